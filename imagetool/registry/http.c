#include "imagetool/registry/http.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"

#define USER_AGENT "imagetool/0.1"
#define CONNECT_TIMEOUT_S 30L
#define STALL_BYTES_PER_S 1L
#define STALL_SECONDS_DEFAULT 30L

void http_response_reset(struct http_response *r)
{
    free(r->body);
    free(r->content_type);
    free(r->docker_digest);
    free(r->www_authenticate);
    free(r->content_range);
    memset(r, 0, sizeof(*r));
}

void http_response_clear(struct http_response *r)
{
    http_response_reset(r);
}

static char *trimmed_dup(const char *s, size_t len)
{
    while (len && isspace((unsigned char)*s))
        s++, len--;
    while (len && isspace((unsigned char)s[len - 1]))
        len--;
    char *out = strndup(s, len);
    if (out == NULL)
        abort();
    return out;
}

static void set_header(char **slot, const char *value, size_t len)
{
    free(*slot);
    *slot = trimmed_dup(value, len);
}

size_t http_header_cb(char *buf, size_t size, size_t n, void *userdata)
{
    struct http_response *r = userdata;
    size_t len = size * n;
    if (len >= 5 && !strncmp(buf, "HTTP/", 5)) {
        /* A new response (after a 100 Continue, say): forget the old one. */
        http_response_reset(r);
        return len;
    }
    const char *colon = memchr(buf, ':', len);
    if (colon == NULL)
        return len;
    size_t name_len = (size_t)(colon - buf);
    const char *value = colon + 1;
    size_t value_len = len - name_len - 1;
    if (name_len == 12 && !strncasecmp(buf, "Content-Type", 12))
        set_header(&r->content_type, value, value_len);
    else if (name_len == 21 && !strncasecmp(buf, "Docker-Content-Digest", 21))
        set_header(&r->docker_digest, value, value_len);
    else if (name_len == 13 && !strncasecmp(buf, "Content-Range", 13))
        set_header(&r->content_range, value, value_len);
    else if (name_len == 16 && !strncasecmp(buf, "WWW-Authenticate", 16) && r->www_authenticate == NULL)
        set_header(&r->www_authenticate, value, value_len);
    return len;
}

size_t http_body_cb(char *buf, size_t size, size_t n, void *userdata)
{
    struct http_response *r = userdata;
    size_t len = size * n;
    if (r->body_len + len > HTTP_BODY_MAX) {
        r->body_too_big = true;
        return 0;
    }
    r->body = xrealloc(r->body, r->body_len + len + 1);
    memcpy(r->body + r->body_len, buf, len);
    r->body_len += len;
    r->body[r->body_len] = '\0';
    return len;
}

long http_stall_seconds(void)
{
    const char *env = getenv("IMAGETOOL_REGISTRY_STALL_TIMEOUT");
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 ? v : STALL_SECONDS_DEFAULT;
}

CURLSH *http_share_new(void)
{
    CURLSH *sh = curl_share_init();
    if (sh == NULL)
        abort();
    curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_CONNECT);
    curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_DNS);
    curl_share_setopt(sh, CURLSHOPT_SHARE, CURL_LOCK_DATA_SSL_SESSION);
    return sh;
}

CURL *http_easy_new(const char *url, const struct tls_config *tls, struct http_response *hdr_data, CURLSH *share)
{
    CURL *easy = curl_easy_init();
    if (easy == NULL)
        abort();
    curl_easy_setopt(easy, CURLOPT_URL, url);
    curl_easy_setopt(easy, CURLOPT_USERAGENT, USER_AGENT);
    curl_easy_setopt(easy, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(easy, CURLOPT_CONNECTTIMEOUT, CONNECT_TIMEOUT_S);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_LIMIT, STALL_BYTES_PER_S);
    curl_easy_setopt(easy, CURLOPT_LOW_SPEED_TIME, http_stall_seconds());
    /* Redirects are followed by hand so that credentials never travel to
     * another host (blob storage behind a registry). */
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(easy, CURLOPT_PROTOCOLS_STR, "http,https");
    curl_easy_setopt(easy, CURLOPT_HEADERFUNCTION, http_header_cb);
    curl_easy_setopt(easy, CURLOPT_HEADERDATA, hdr_data);
    if (share)
        curl_easy_setopt(easy, CURLOPT_SHARE, share);
    tls_apply(easy, tls);
    return easy;
}

static char *url_part(const char *url, CURLUPart part, unsigned flags)
{
    CURLU *u = curl_url();
    char *val = NULL, *out = NULL;
    if (curl_url_set(u, CURLUPART_URL, url, 0) == CURLUE_OK && curl_url_get(u, part, &val, flags) == CURLUE_OK) {
        out = xstrdup(val);
        curl_free(val);
    }
    curl_url_cleanup(u);
    return out;
}

char *url_origin(const char *url)
{
    CLEANUP_FREE char *scheme = url_part(url, CURLUPART_SCHEME, 0);
    CLEANUP_FREE char *host = url_part(url, CURLUPART_HOST, 0);
    CLEANUP_FREE char *port = url_part(url, CURLUPART_PORT, CURLU_DEFAULT_PORT);
    if (!scheme || !host || !port)
        return NULL;
    for (char *p = host; *p; p++)
        *p = (char)tolower((unsigned char)*p);
    return xasprintf("%s://%s:%s", scheme, host, port);
}

char *url_hostport(const char *url)
{
    CLEANUP_FREE char *host = url_part(url, CURLUPART_HOST, 0);
    CLEANUP_FREE char *port = url_part(url, CURLUPART_PORT, 0);
    if (host == NULL)
        return NULL;
    return port ? xasprintf("%s:%s", host, port) : xstrdup(host);
}

bool http_curl_retryable(CURLcode rc)
{
    switch (rc) {
    case CURLE_COULDNT_CONNECT:
    case CURLE_OPERATION_TIMEDOUT:
    case CURLE_PARTIAL_FILE:
    case CURLE_RECV_ERROR:
    case CURLE_SEND_ERROR:
    case CURLE_GOT_NOTHING:
    case CURLE_HTTP2:
    case CURLE_HTTP2_STREAM:
    case CURLE_SSL_CONNECT_ERROR:
        return true;
    default:
        return false;
    }
}

bool http_status_retryable(long status)
{
    return status == 429 || (status >= 500 && status <= 599 && status != 501);
}

long http_backoff_ms(int attempt)
{
    long ms = 100L << (attempt < 6 ? attempt - 1 : 5);
    return ms > 3000 ? 3000 : ms;
}

int http_max_attempts(void)
{
    const char *env = getenv("IMAGETOOL_REGISTRY_RETRIES");
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 && v < 100 ? (int)v : 5;
}

int http_curl_error(struct error **err, CURLcode rc, const char *url, const char *errbuf)
{
    const char *detail = errbuf && *errbuf ? errbuf : curl_easy_strerror(rc);
    return error_setc(err, EXIT_NETWORK, 0, "%s: %s", url, detail);
}

/* The first "message" of a distribution error body, if any. */
static char *registry_error_message(const struct http_response *r)
{
    if (r->body == NULL || r->body_len == 0)
        return NULL;
    CLEANUP_JSON yajl_val root = NULL;
    if (json_parse(r->body, r->body_len, "error body", &root, NULL) < 0)
        return NULL;
    yajl_val errors = json_member(root, "errors");
    if (!YAJL_IS_ARRAY(errors) || errors->u.array.len == 0)
        return NULL;
    yajl_val first = errors->u.array.values[0];
    const char *code = NULL, *message = NULL;
    json_get_string(first, "errors[0]", "code", &code, NULL);
    json_get_string(first, "errors[0]", "message", &message, NULL);
    if (code && message)
        return xasprintf("%s: %s", code, message);
    return message ? xstrdup(message) : code ? xstrdup(code) : NULL;
}

int http_status_error(struct error **err, const struct http_response *r, const char *what)
{
    CLEANUP_FREE char *msg = registry_error_message(r);
    int class = r->status == 404 ? EXIT_NOTFOUND : (r->status == 401 || r->status == 403) ? EXIT_PERM : EXIT_NETWORK;
    return error_setc(err, class, 0, "%s: HTTP %ld%s%s", what, r->status, msg ? ": " : "", msg ? msg : "");
}
