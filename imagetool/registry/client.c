#include "imagetool/registry/client.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/registry/curl_dl.h"

char *registry_url(const struct registry *r, const char *what)
{
    if (!strncmp(what, "http://", 7) || !strncmp(what, "https://", 8))
        return xstrdup(what);
    if (what[0] == '/')
        return xasprintf("%s%s", r->base, what);
    return xasprintf("%s/v2/%s/%s", r->base, r->repo, what);
}

void registry_backoff(int attempt)
{
    long ms = http_backoff_ms(attempt);
    struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };
    while (nanosleep(&ts, &ts) < 0)
        ;
}

void registry_tls_for(const struct registry *r, const char *url, struct tls_config *out)
{
    CLEANUP_FREE char *hostport = url_hostport(url);
    tls_config_for_host(hostport ? hostport : r->host, r->tls_verify, out);
}

bool registry_is_origin(const struct registry *r, const char *url)
{
    CLEANUP_FREE char *origin = url_origin(url);
    return origin && !strcmp(origin, r->origin);
}

static int authorization(struct registry *r, char **out, struct error **err)
{
    *out = NULL;
    switch (r->auth.challenge.scheme) {
    case AUTH_BEARER: {
        const char *tok = auth_token_cached(&r->auth, r->scope);
        if (tok == NULL) {
            if (auth_token_fetch(&r->auth, r->share, &r->creds, r->scope, err) < 0)
                return -1;
            tok = auth_token_cached(&r->auth, r->scope);
        }
        *out = xasprintf("Authorization: Bearer %s", tok);
        return 0;
    }
    case AUTH_BASIC:
        if (r->creds.user) {
            CLEANUP_FREE char *plain = xasprintf("%s:%s", r->creds.user, r->creds.pass);
            CLEANUP_FREE char *b64 = base64_encode(plain, strlen(plain));
            explicit_bzero(plain, strlen(plain));
            *out = xasprintf("Authorization: Basic %s", b64);
        }
        return 0;
    case AUTH_NONE:
        return 0;
    }
    return 0;
}

int registry_headers(struct registry *r, const char *url, const char *accept, struct curl_slist **out,
                     struct error **err)
{
    struct curl_slist *list = NULL;
    if (accept) {
        CLEANUP_FREE char *h = xasprintf("Accept: %s", accept);
        list = curl_slist_append(list, h);
    }
    if (registry_is_origin(r, url)) {
        CLEANUP_FREE char *auth = NULL;
        if (authorization(r, &auth, err) < 0) {
            curl_slist_free_all(list);
            return -1;
        }
        if (auth) {
            list = curl_slist_append(list, auth);
            explicit_bzero(auth, strlen(auth));
        }
    }
    *out = list;
    return 0;
}

int registry_reauth(struct registry *r, const struct http_response *resp, struct error **err)
{
    if (resp->www_authenticate == NULL)
        return 0;
    struct auth_challenge ch;
    if (auth_challenge_parse(resp->www_authenticate, &ch, err) < 0)
        return -1;
    int ret = 0;
    if (ch.scheme == AUTH_BEARER) {
        if (r->auth.challenge.scheme != AUTH_BEARER || strcmp(r->auth.challenge.realm, ch.realm) != 0) {
            auth_challenge_clear(&r->auth.challenge);
            r->auth.challenge = ch;
            memset(&ch, 0, sizeof(ch));
        }
        log_debug("registry refused the token for %s: asking for a new one", r->scope);
        auth_token_forget(&r->auth, r->scope);
        ret = auth_token_fetch(&r->auth, r->share, &r->creds, r->scope, err) < 0 ? -1 : 1;
    } else if (ch.scheme == AUTH_BASIC && r->creds.user && r->auth.challenge.scheme != AUTH_BASIC) {
        r->auth.challenge.scheme = AUTH_BASIC;
        ret = 1;
    }
    auth_challenge_clear(&ch);
    return ret;
}

/* One request, no redirects followed; *redirect gets the Location. */
static int one_hop(struct registry *r, const char *url, const char *accept, bool auth, struct http_response *resp,
                   char **redirect, CURLcode *rc, char errbuf[CURL_ERROR_SIZE], struct error **err)
{
    struct curl_slist *headers = NULL;
    if (auth && registry_headers(r, url, accept, &headers, err) < 0)
        return -1;
    if (!auth && accept) {
        CLEANUP_FREE char *h = xasprintf("Accept: %s", accept);
        headers = curl_slist_append(headers, h);
    }
    struct tls_config tls;
    registry_tls_for(r, url, &tls);
    CURL *easy = http_easy_new(url, &tls, resp, r->share);
    errbuf[0] = '\0';
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_body_cb);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, resp);
    log_debug("GET %s", url);
    *rc = curl_easy_perform(easy);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp->status);
    char *loc = NULL;
    curl_easy_getinfo(easy, CURLINFO_REDIRECT_URL, &loc);
    *redirect = loc ? xstrdup(loc) : NULL;
    curl_easy_cleanup(easy);
    curl_slist_free_all(headers);
    tls_config_clear(&tls);
    return 0;
}

static bool is_redirect(long status)
{
    return status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
}

static int get_url(struct registry *r, const char *start_url, const char *accept, bool auth,
                   struct http_response *resp, struct error **err)
{
    CLEANUP_FREE char *url = xstrdup(start_url);
    int attempt = 1, redirects = 0, max = http_max_attempts();
    bool reauthed = false;
    char errbuf[CURL_ERROR_SIZE];
    for (;;) {
        CLEANUP_FREE char *redirect = NULL;
        CURLcode rc;
        http_response_reset(resp);
        if (one_hop(r, url, accept, auth, resp, &redirect, &rc, errbuf, err) < 0)
            return -1;
        if (rc != CURLE_OK) {
            if (resp->body_too_big)
                return error_setc(err, EXIT_NETWORK, 0, "%s: response larger than %u bytes", url, HTTP_BODY_MAX);
            if (!http_curl_retryable(rc) || attempt >= max)
                return http_curl_error(err, rc, url, errbuf);
            log_debug("%s: %s; retrying", url, errbuf);
            registry_backoff(attempt++);
            continue;
        }
        if (is_redirect(resp->status) && redirect) {
            if (++redirects > HTTP_MAX_REDIRECTS)
                return error_setc(err, EXIT_NETWORK, 0, "%s: more than %d redirects", start_url, HTTP_MAX_REDIRECTS);
            free(url);
            url = TAKE_PTR(redirect);
            continue;
        }
        if (resp->status == 401 && auth && !reauthed && registry_is_origin(r, url)) {
            reauthed = true;
            int n = registry_reauth(r, resp, err);
            if (n < 0)
                return -1;
            if (n > 0)
                continue;
        }
        if (http_status_retryable(resp->status) && attempt < max) {
            log_debug("%s: HTTP %ld; retrying", url, resp->status);
            registry_backoff(attempt++);
            continue;
        }
        return 0;
    }
}

int registry_get(struct registry *r, const char *what, const char *accept, struct http_response *resp,
                 struct error **err)
{
    CLEANUP_FREE char *url = registry_url(r, what);
    return get_url(r, url, accept, true, resp, err);
}

/* Add a hint after an error's message. */
static int error_append(struct error **err, const char *hint)
{
    if (err == NULL || *err == NULL)
        return -1;
    return error_setc(err, (*err)->exit_class, 0, "%s; %s", (*err)->msg, hint);
}

int registry_status_error(const struct registry *r, const struct http_response *resp, const char *what,
                          struct error **err)
{
    http_status_error(err, resp, what);
    if (resp->status == 401 && r->creds.user) {
        CLEANUP_FREE char *hint = xasprintf("the registry refused the credentials of user '%s'", r->creds.user);
        return error_append(err, hint);
    }
    if (resp->status == 401)
        return error_append(err, "no credentials given (--creds USER:PASS, --authfile or ~/.docker/config.json)");
    return -1;
}

static void set_base(struct registry *r, const char *scheme)
{
    free(r->base);
    free(r->origin);
    r->base = xasprintf("%s://%s", scheme, r->host);
    r->origin = url_origin(r->base);
}

/* Docker's insecure default: loopback registries (and any registry when
 * the user turned verification off) may answer in plain HTTP. Only a
 * failed handshake falls back; a certificate that does not verify stays
 * an error. *done is set when the first answer can serve as the ping. */
static int choose_scheme(struct registry *r, bool http_allowed, struct http_response *resp, bool *done,
                         struct error **err)
{
    set_base(r, "https");
    *done = false;
    if (!http_allowed)
        return 0;
    CLEANUP_FREE char *url = xasprintf("%s/v2/", r->base);
    CLEANUP_FREE char *redirect = NULL;
    CURLcode rc;
    char errbuf[CURL_ERROR_SIZE];
    if (one_hop(r, url, NULL, false, resp, &redirect, &rc, errbuf, err) < 0)
        return -1;
    if (rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_RECV_ERROR || rc == CURLE_GOT_NOTHING) {
        log_debug("%s: %s; trying plain http", r->host, errbuf);
        set_base(r, "http");
    } else if (rc == CURLE_OK && (resp->status == 200 || resp->status == 401)) {
        *done = true;
    }
    return 0;
}

static int ping(struct registry *r, bool http_allowed, struct error **err)
{
    struct http_response resp = { 0 };
    bool done;
    int ret = choose_scheme(r, http_allowed, &resp, &done, err);
    CLEANUP_FREE char *url = xasprintf("%s/v2/", r->base);
    if (ret == 0 && !done)
        ret = get_url(r, url, NULL, false, &resp, err);
    if (ret < 0 && err && *err && strstr((*err)->msg, "certificate")) {
        CLEANUP_FREE char *hint = xasprintf("to trust its CA put it in /etc/docker/certs.d/%s/ca.crt "
                                            "(--tls-verify=false skips the check)", r->host);
        error_append(err, hint);
    }
    if (ret == 0 && resp.status == 401 && resp.www_authenticate)
        ret = auth_challenge_parse(resp.www_authenticate, &r->auth.challenge, err);
    else if (ret == 0 && resp.status != 200 && resp.status != 401)
        ret = error_setc(err, EXIT_NETWORK, 0, "%s: not a registry (HTTP %ld from /v2/)", r->host, resp.status);
    http_response_clear(&resp);
    if (ret == 0)
        log_debug("registry %s: %s, auth %s", r->host, r->base,
                  r->auth.challenge.scheme == AUTH_BEARER ? "bearer"
                  : r->auth.challenge.scheme == AUTH_BASIC ? "basic" : "none");
    return ret;
}

int registry_open(struct registry *r, const struct docker_ref *ref, const struct import_opts *o, struct error **err)
{
    memset(r, 0, sizeof(*r));
    r->host = xstrdup(docker_ref_api_host(ref));
    r->repo = xstrdup(ref->path);
    r->scope = xasprintf("repository:%s:pull", ref->path);
    r->tls_verify = o->tls_verify;
    r->auth.tls_verify = o->tls_verify;
    if (curl_dl_load(err) < 0) {
        registry_close(r);
        return -1;
    }
    r->share = http_share_new();
    if (creds_lookup(o->creds, o->authfile, ref->domain, ref->path, &r->creds, err) < 0 ||
        ping(r, docker_host_is_loopback(r->host) || !o->tls_verify, err) < 0) {
        registry_close(r);
        return -1;
    }
    return 0;
}

void registry_close(struct registry *r)
{
    if (r->share)
        curl_share_cleanup(r->share);
    free(r->host);
    free(r->base);
    free(r->origin);
    free(r->repo);
    free(r->scope);
    creds_clear(&r->creds);
    auth_state_clear(&r->auth);
    memset(r, 0, sizeof(*r));
}
