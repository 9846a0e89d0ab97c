/* A connection to one repository of one registry: the API endpoint chosen
 * by the /v2/ ping (https, or plain http for loopback hosts and when TLS
 * verification is off), its authentication and one curl share handle. */
#ifndef IMAGETOOL_REGISTRY_CLIENT_H
#define IMAGETOOL_REGISTRY_CLIENT_H

#include <curl/curl.h>
#include <stdbool.h>

#include "common/error.h"
#include "imagetool/ref.h"
#include "imagetool/registry/auth.h"
#include "imagetool/registry/creds.h"
#include "imagetool/registry/http.h"
#include "imagetool/source.h"

struct registry {
    char *host;   /* API host[:port] */
    char *base;   /* "https://host:port" */
    char *origin; /* url_origin(base): only requests there carry credentials */
    char *repo;   /* repository path, "library/busybox" */
    char *scope;  /* "repository:<repo>:pull" */
    bool tls_verify;
    struct creds creds;
    struct auth_state auth;
    CURLSH *share; /* connections shared by every request of the pull */
};

int registry_open(struct registry *r, const struct docker_ref *ref, const struct import_opts *o, struct error **err);
void registry_close(struct registry *r);

/* Headers for a request to url: Accept (may be NULL) and, when url is on
 * the registry itself, its Authorization (fetching a token if needed). */
int registry_headers(struct registry *r, const char *url, const char *accept, struct curl_slist **out,
                     struct error **err);
/* After a 401 from the registry: renew the token the challenge asks for.
 * Returns 1 when a new try makes sense, 0 when not, -1 on error. */
int registry_reauth(struct registry *r, const struct http_response *resp, struct error **err);
/* Whether url is on the registry itself (scheme, host and port). */
bool registry_is_origin(const struct registry *r, const char *url);
/* TLS settings for url's host (the registry's, or certs.d for another). */
void registry_tls_for(const struct registry *r, const char *url, struct tls_config *out);

/* GET base/v2/<repo>/<what> with authentication, redirects and retries;
 * the body is buffered. The caller looks at resp->status. */
int registry_get(struct registry *r, const char *what, const char *accept, struct http_response *resp,
                 struct error **err);

/* An unexpected status as an error, with a hint for 401 (credentials
 * missing or refused). */
int registry_status_error(const struct registry *r, const struct http_response *resp, const char *what,
                          struct error **err);

/* "https://host:port/v2/<repo>/<what>" */
char *registry_url(const struct registry *r, const char *what);

/* Sleep for the backoff before try attempt. */
void registry_backoff(int attempt);

#endif
