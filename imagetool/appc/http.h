/* HTTP(S) GETs for Appc discovery over the registry client's libcurl layer
 * (its TLS settings, certs.d, timeouts and retries): redirects followed by
 * hand, at most HTTP_MAX_REDIRECTS, never from https to plain http unless
 * plain http is allowed for the target (--tls-verify=false, or loopback
 * as for registries). */
#ifndef IMAGETOOL_APPC_HTTP_H
#define IMAGETOOL_APPC_HTTP_H

#include <stdbool.h>
#include <stdio.h>

#include "imagetool/registry/http.h"

struct appc_http {
    bool tls_verify;
    CURLSH *share;
    /* added, credentials (imagetool/appc/http_auth.h): */
    const char *creds;    /* --creds USER:PASS, for creds_host only */
    const char *authfile; /* --authfile, or NULL: the default auth files */
    char *creds_host;     /* host[:port] the user named, set per fetch */
    char **auth_hosts;    /* hosts that asked for credentials */
    char *refused_user;   /* the last GET's final 401 came with this user's credentials */
    bool plain_refused;   /* ... or was plain http, credentials withheld */
    char *final_url;      /* where the last GET ended, after redirects */
};
/* Frees what GETs kept (not share). */
void appc_http_clear(struct appc_http *h);

/* Whether url may be fetched in plain http. */
bool appc_http_allowed(const struct appc_http *h, const char *url);
/* GET url; the body goes to out when out is non-NULL, else into resp->body
 * (HTTP_BODY_MAX at most). resp->status is the final status. */
int appc_http_get(struct appc_http *h, const char *url, FILE *out, struct http_response *resp, struct error **err);
/* GET url into a new temp file (its path in *path); a status other than
 * 200 is EXIT_NOTFOUND for 404/410, else EXIT_NETWORK. */
int appc_http_download(struct appc_http *h, const char *url, char **path, struct error **err);
/* The error for an unexpected status of the last GET of url: 404/410 are
 * EXIT_NOTFOUND, others EXIT_NETWORK; a 401 says whether credentials were
 * refused, withheld (plain http) or missing. Returns -1. */
int appc_http_status_error(const struct appc_http *h, const char *url, long status, struct error **err);

#endif
