/* Docker image references, normalised the way the docker CLI does it:
 * "busybox" is docker.io/library/busybox:latest, "host:5000/a/b@sha256:..."
 * keeps its host and port. docker.io is served by registry-1.docker.io. */
#ifndef IMAGETOOL_REF_H
#define IMAGETOOL_REF_H

#include <stdbool.h>

#include "common/error.h"

#define DOCKER_HUB_DOMAIN "docker.io"
#define DOCKER_HUB_API_HOST "registry-1.docker.io"
#define REF_NAME_MAX 255

struct docker_ref {
    char *domain; /* "docker.io", "127.0.0.1:5000", "[::1]:5000" */
    char *path;   /* "library/busybox" */
    char *tag;    /* NULL when only a digest was given */
    char *digest; /* "sha256:<hex>" or NULL */
};

/* Parse and normalise. A name with neither tag nor digest gets "latest".
 * Bad references are EXIT_INVALID with a message naming the part at fault. */
int docker_ref_parse(const char *text, struct docker_ref *out, struct error **err);
void docker_ref_clear(struct docker_ref *r);

/* "docker.io/library/busybox" */
char *docker_ref_repository(const struct docker_ref *r);
/* The full normalised reference: repository[:tag][@digest]. */
char *docker_ref_string(const struct docker_ref *r);
/* The name an image is tagged with in the store: repository:tag when a tag
 * was given, else repository@digest. */
char *docker_ref_store_name(const struct docker_ref *r);
/* The host (and port) that serves the registry API. */
const char *docker_ref_api_host(const struct docker_ref *r);
/* True for localhost, 127.0.0.0/8 and ::1 (with or without a port): Docker
 * lets these speak plain HTTP. */
bool docker_host_is_loopback(const char *host);

#endif
