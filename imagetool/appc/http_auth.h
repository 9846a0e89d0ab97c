/* Credentials for Appc's GETs (specs/appc.md, "Credentials"): HTTP Basic,
 * sent to a host only after it asked for them (a 401 with a Basic
 * challenge), then at once on its later requests; never over plain http
 * unless the user allowed it with --tls-verify=false. --creds USER:PASS
 * goes only to the host the user named (the image name's host, with
 * --appc-port, or the --appc-simple-prefix host); every host, that one
 * included, may have an entry in the auth files the docker:// path reads
 * (--authfile, else $REGISTRY_AUTH_FILE, containers' auth.json,
 * ~/.docker/config.json), keyed by host[:port] or host[:port]/path. */
#ifndef IMAGETOOL_APPC_HTTP_AUTH_H
#define IMAGETOOL_APPC_HTTP_AUTH_H

#include "imagetool/appc/http.h"
#include "imagetool/registry/creds.h"

/* The credentials to send with a GET of url now (out->user NULL: none). */
int appc_http_auth_for(struct appc_http *h, const char *url, bool challenged, struct creds *out,
                       struct error **err);
/* A response was a 401: whether to try url again with credentials (1), or
 * give the 401 to the caller (0; appc_http_status_error then says why). */
int appc_http_auth_retry(struct appc_http *h, const char *url, const struct http_response *resp, bool sent,
                         struct error **err);
void appc_http_auth_clear(struct appc_http *h);

#endif
