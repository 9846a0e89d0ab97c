/* The small HTTP layer under the registry client: libcurl easy handles set
 * up one way (TLS, timeouts, user agent, header capture), all of them
 * sharing one pool of connections (single requests run with
 * curl_easy_perform, blob downloads together on a curl multi handle). */
#ifndef IMAGETOOL_REGISTRY_HTTP_H
#define IMAGETOOL_REGISTRY_HTTP_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "imagetool/registry/tls.h"

#define HTTP_BODY_MAX (8u << 20) /* manifests, tokens, error bodies */
#define HTTP_MAX_REDIRECTS 10

/* What the registry code needs from a response. */
struct http_response {
    long status;
    char *body;
    size_t body_len;
    bool body_too_big;
    char *content_type;
    char *docker_digest;    /* Docker-Content-Digest */
    char *www_authenticate; /* the first Bearer/Basic challenge */
    char *content_range;
};
void http_response_clear(struct http_response *r);
/* Forget the headers of a previous hop (a redirect, a 401) before the next. */
void http_response_reset(struct http_response *r);

/* curl callbacks filling a struct http_response (userdata). */
size_t http_header_cb(char *buf, size_t size, size_t n, void *userdata);
size_t http_body_cb(char *buf, size_t size, size_t n, void *userdata);

/* A new easy handle for url with the TLS settings for its host, the
 * timeouts and the response header callback (hdr_data). share (may be
 * NULL) pools connections, DNS and TLS sessions across all handles. */
CURL *http_easy_new(const char *url, const struct tls_config *tls, struct http_response *hdr_data, CURLSH *share);

/* A share handle for connections, DNS and TLS sessions (one thread). */
CURLSH *http_share_new(void);

/* "scheme://host:port" of a URL (the default port filled in), or NULL. */
char *url_origin(const char *url);
/* host[:port] of a URL as written in it, or NULL. */
char *url_hostport(const char *url);

/* Whether a failure is worth another try: connection resets, timeouts,
 * truncated bodies; 5xx and 429 responses. */
bool http_curl_retryable(CURLcode rc);
bool http_status_retryable(long status);
/* Milliseconds to wait before try number attempt (1-based): doubling from
 * a short start, capped. */
long http_backoff_ms(int attempt);
/* Seconds without a byte before a transfer counts as stalled (30, or
 * $IMAGETOOL_REGISTRY_STALL_TIMEOUT). */
long http_stall_seconds(void);
/* Tries per request; $IMAGETOOL_REGISTRY_RETRIES overrides (tests). */
int http_max_attempts(void);

/* A curl failure as an EXIT_NETWORK error naming the URL. */
int http_curl_error(struct error **err, CURLcode rc, const char *url, const char *errbuf);
/* An unexpected HTTP status as an error naming the URL and the registry's
 * own error message when the body carries one (distribution error JSON). */
int http_status_error(struct error **err, const struct http_response *r, const char *what);

#endif
