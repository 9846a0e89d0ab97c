/* Appc's GETs: one hop at a time so each redirect is checked. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/appc/http.h"
#include "imagetool/appc/http_auth.h"
#include "imagetool/ref.h"

bool appc_http_allowed(const struct appc_http *h, const char *url)
{
    if (!h->tls_verify)
        return true;
    CLEANUP_FREE char *host = url_hostport(url);
    return host && docker_host_is_loopback(host);
}

static size_t file_cb(char *buf, size_t size, size_t n, void *userdata)
{
    return fwrite(buf, size, n, userdata) * size;
}

static int one_hop(struct appc_http *h, const char *url, const struct creds *c, FILE *out, struct http_response *resp,
                   char **redirect, struct error **err)
{
    struct tls_config tls;
    CLEANUP_FREE char *host = url_hostport(url);
    tls_config_for_host(host ? host : "", h->tls_verify, &tls);
    http_response_reset(resp);
    if (out && (fflush(out) != 0 || ftruncate(fileno(out), 0) < 0 || fseek(out, 0, SEEK_SET) < 0)) {
        tls_config_clear(&tls);
        return error_set(err, errno, "%s: temp file", url);
    }
    CURL *easy = http_easy_new(url, &tls, resp, h->share);
    if (c->user) {
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(easy, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(easy, CURLOPT_PASSWORD, c->pass ? c->pass : "");
    }
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    if (out) {
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, file_cb);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, out);
    } else {
        curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_body_cb);
        curl_easy_setopt(easy, CURLOPT_WRITEDATA, resp);
    }
    log_debug("GET %s", url);
    CURLcode rc = curl_easy_perform(easy);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
    char *loc = NULL;
    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc);
    *redirect = loc ? xstrdup(loc) : NULL;
    curl_easy_cleanup(easy);
    tls_config_clear(&tls);
    if (rc != CURLE_OK)
        return http_curl_error(err, rc, url, errbuf);
    return 0;
}

/* One hop, again with credentials when the server asks for them. */
static int hop_with_auth(struct appc_http *h, const char *url, FILE *out, struct http_response *resp,
                         char **redirect, struct error **err)
{
    struct creds c;
    if (appc_http_auth_for(h, url, false, &c, err) < 0)
        return -1;
    int r = one_hop(h, url, &c, out, resp, redirect, err);
    if (r == 0 && resp->status == 401) {
        r = appc_http_auth_retry(h, url, resp, c.user != NULL, err);
        if (r > 0) {
            creds_clear(&c);
            free(*redirect);
            *redirect = NULL;
            r = appc_http_auth_for(h, url, true, &c, err);
            if (r == 0)
                r = one_hop(h, url, &c, out, resp, redirect, err);
        }
        if (r == 0 && resp->status == 401 && c.user)
            h->refused_user = xstrdup(c.user);
    }
    creds_clear(&c);
    return r < 0 ? -1 : 0;
}

int appc_http_status_error(const struct appc_http *h, const char *start, long status, struct error **err)
{
    CLEANUP_FREE char *redirected = h->final_url && strcmp(h->final_url, start) != 0
                                        ? xasprintf("%s (redirected to %s)", start, h->final_url)
                                        : NULL;
    const char *url = redirected ? redirected : start;
    if (status != 401)
        return error_setc(err, status == 404 || status == 410 ? EXIT_NOTFOUND : EXIT_NETWORK, 0, "%s: HTTP %ld",
                          url, status);
    if (h->refused_user)
        return error_setc(err, EXIT_NETWORK, 0, "%s: HTTP 401: the server refused the credentials of user '%s'", url,
                          h->refused_user);
    if (h->plain_refused)
        return error_setc(err, EXIT_NETWORK, 0,
                          "%s: HTTP 401: credentials are never sent over plain http (use https, or --tls-verify=false)",
                          url);
    return error_setc(err, EXIT_NETWORK, 0,
                      "%s: HTTP 401: no credentials given (--creds USER:PASS, --authfile or ~/.docker/config.json)", url);
}

static bool is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

int appc_http_get(struct appc_http *h, const char *start, FILE *out, struct http_response *resp, struct error **err)
{
    CLEANUP_FREE char *url = xstrdup(start);
    if (strncmp(url, "http://", 7) == 0 && !appc_http_allowed(h, url))
        return error_setc(err, EXIT_NETWORK, 0, "%s: plain http is refused (use https, or --tls-verify=false)", url);
    free(h->refused_user);
    h->refused_user = NULL;
    h->plain_refused = false;
    for (int redirects = 0;; redirects++) {
        CLEANUP_FREE char *redirect = NULL;
        free(h->final_url);
        h->final_url = xstrdup(url);
        if (hop_with_auth(h, url, out, resp, &redirect, err) < 0)
            return -1;
        if (!is_redirect(resp->status) || !redirect)
            return 0;
        if (redirects >= HTTP_MAX_REDIRECTS)
            return error_setc(err, EXIT_NETWORK, 0, "%s: more than %d redirects", start, HTTP_MAX_REDIRECTS);
        if (strncmp(redirect, "https://", 8) != 0 &&
            !(strncmp(redirect, "http://", 7) == 0 && appc_http_allowed(h, redirect)))
            return error_setc(err, EXIT_NETWORK, 0, "%s: redirect to %s refused (https only; --tls-verify=false allows http)",
                              url, redirect);
        log_debug("%s: redirected to %s", url, redirect);
        free(url);
        url = TAKE_PTR(redirect);
    }
}

void appc_http_clear(struct appc_http *h)
{
    appc_http_auth_clear(h);
    free(h->final_url);
    h->final_url = NULL;
}

int appc_http_download(struct appc_http *h, const char *url, char **path, struct error **err)
{
    const char *tmpdir = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/imagetool-appc-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    int fd = mkstemp(tmpl);
    if (fd < 0) {
        error_set(err, errno, "mkstemp %s", tmpl);
        free(tmpl);
        return -1;
    }
    FILE *f = fdopen(fd, "w+");
    struct http_response resp = { 0 };
    int r = appc_http_get(h, url, f, &resp, err);
    if (fclose(f) != 0 && r == 0)
        r = error_set(err, errno, "%s: write", tmpl);
    if (r == 0 && resp.status != 200)
        r = appc_http_status_error(h, url, resp.status, err);
    http_response_clear(&resp);
    if (r < 0) {
        unlink(tmpl);
        free(tmpl);
        return -1;
    }
    *path = tmpl;
    return 0;
}
