/* Manifests from a registry: the right Accept header, the digest checked
 * against the reference (or Docker-Content-Digest), an index or manifest
 * list narrowed to one platform, schema1 refused clearly. */
#ifndef IMAGETOOL_REGISTRY_MANIFEST_H
#define IMAGETOOL_REGISTRY_MANIFEST_H

#include <stddef.h>

#include "common/digest.h"
#include "common/error.h"
#include "imagetool/image/image.h"
#include "imagetool/registry/client.h"

#define MANIFEST_ACCEPT                                                                                             \
    MT_OCI_INDEX ", " MT_OCI_MANIFEST ", " MT_DOCKER_LIST ", " MT_DOCKER_MANIFEST ", " MT_DOCKER_SCHEMA1_SIGNED \
    ", " MT_DOCKER_SCHEMA1

struct fetched_manifest {
    char *body;
    size_t len;
    char *media_type;
    char digest[DIGEST_STR_LEN + 1];
};
void fetched_manifest_clear(struct fetched_manifest *f);

/* GET manifests/<reference> (a tag or a digest). expected (may be NULL)
 * is the digest the bytes must have. */
int manifest_fetch(struct registry *r, const char *reference, const char *expected, struct fetched_manifest *out,
                   struct error **err);

/* The single-platform manifest for ref on platform p: an index or list is
 * followed to its entry for p. *m is the parsed manifest. */
int manifest_resolve(struct registry *r, const struct docker_ref *ref, const struct platform *p,
                     struct fetched_manifest *out, struct manifest *m, struct error **err);

#endif
