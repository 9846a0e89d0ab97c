#include "imagetool/registry/auth.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/registry/http.h"

/* Tokens are renewed this long before the issuer says they expire. */
#define TOKEN_EXPIRY_MARGIN_S 10
#define TOKEN_DEFAULT_LIFETIME_S 60

void auth_challenge_clear(struct auth_challenge *c)
{
    free(c->realm);
    free(c->service);
    free(c->scope);
    free(c->error);
    memset(c, 0, sizeof(*c));
}

/* key=value or key="quoted \"value\"" from *p; advances *p past a comma. */
static int next_param(const char **p, char **key, char **value)
{
    const char *s = *p;
    while (*s == ' ' || *s == '\t' || *s == ',')
        s++;
    if (*s == '\0')
        return 0;
    const char *eq = strchr(s, '=');
    if (eq == NULL)
        return -1;
    *key = strndup(s, (size_t)(eq - s));
    const char *v = eq + 1;
    char *out = xmalloc(strlen(v) + 1);
    size_t n = 0;
    if (*v == '"') {
        for (v++; *v && *v != '"'; v++) {
            if (*v == '\\' && v[1])
                v++;
            out[n++] = *v;
        }
        if (*v != '"') {
            free(out);
            return -1;
        }
        v++;
    } else {
        while (*v && *v != ',' && *v != ' ')
            out[n++] = *v++;
    }
    out[n] = '\0';
    *value = out;
    *p = v;
    return 1;
}

static void set_param(struct auth_challenge *c, const char *key, char *value)
{
    char **slot = !strcasecmp(key, "realm") ? &c->realm
                : !strcasecmp(key, "service") ? &c->service
                : !strcasecmp(key, "scope") ? &c->scope
                : !strcasecmp(key, "error") ? &c->error : NULL;
    if (slot == NULL) {
        free(value);
        return;
    }
    free(*slot);
    *slot = value;
}

int auth_challenge_parse(const char *header, struct auth_challenge *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    size_t scheme_len = strcspn(header, " \t");
    if (scheme_len == 5 && !strncasecmp(header, "Basic", 5))
        out->scheme = AUTH_BASIC;
    else if (scheme_len == 6 && !strncasecmp(header, "Bearer", 6))
        out->scheme = AUTH_BEARER;
    else
        return 0;
    const char *p = header + scheme_len;
    for (;;) {
        char *key = NULL, *value = NULL;
        int rc = next_param(&p, &key, &value);
        if (rc < 0) {
            free(key);
            auth_challenge_clear(out);
            return error_setc(err, EXIT_NETWORK, 0, "malformed WWW-Authenticate header: %s", header);
        }
        if (rc == 0)
            break;
        set_param(out, key, value);
        free(key);
    }
    if (out->scheme == AUTH_BEARER && (out->realm == NULL || *out->realm == '\0')) {
        auth_challenge_clear(out);
        return error_setc(err, EXIT_NETWORK, 0, "Bearer challenge without a realm: %s", header);
    }
    return 0;
}

void auth_state_clear(struct auth_state *a)
{
    auth_challenge_clear(&a->challenge);
    for (size_t i = 0; i < a->n_tokens; i++) {
        free(a->tokens[i].scope);
        free(a->tokens[i].token);
    }
    memset(a, 0, sizeof(*a));
}

static struct auth_token *token_slot(struct auth_state *a, const char *scope)
{
    for (size_t i = 0; i < a->n_tokens; i++)
        if (!strcmp(a->tokens[i].scope, scope))
            return &a->tokens[i];
    return NULL;
}

const char *auth_token_cached(const struct auth_state *a, const char *scope)
{
    struct auth_token *t = token_slot((struct auth_state *)a, scope);
    if (t == NULL || t->token == NULL || time(NULL) >= t->expires)
        return NULL;
    return t->token;
}

void auth_token_forget(struct auth_state *a, const char *scope)
{
    struct auth_token *t = token_slot(a, scope);
    if (t) {
        free(t->token);
        t->token = NULL;
    }
}

static void token_store(struct auth_state *a, const char *scope, const char *token, long lifetime)
{
    struct auth_token *t = token_slot(a, scope);
    if (t == NULL) {
        if (a->n_tokens == AUTH_MAX_TOKENS) {
            /* Rare (one pull asks for one or two scopes): drop the oldest. */
            free(a->tokens[0].scope);
            free(a->tokens[0].token);
            memmove(&a->tokens[0], &a->tokens[1], (AUTH_MAX_TOKENS - 1) * sizeof(a->tokens[0]));
            a->n_tokens--;
        }
        t = &a->tokens[a->n_tokens++];
        t->scope = xstrdup(scope);
        t->token = NULL;
    }
    free(t->token);
    t->token = xstrdup(token);
    if (lifetime < TOKEN_DEFAULT_LIFETIME_S)
        lifetime = TOKEN_DEFAULT_LIFETIME_S;
    t->expires = time(NULL) + lifetime - TOKEN_EXPIRY_MARGIN_S;
}

static char *token_url(CURL *esc, const struct auth_challenge *ch, const char *scope)
{
    char *s = ch->service ? curl_easy_escape(esc, ch->service, 0) : NULL;
    char *q = scope ? curl_easy_escape(esc, scope, 0) : NULL;
    const char *sep = strchr(ch->realm, '?') ? "&" : "?";
    char *url = xasprintf("%s%s%s%s%s%s%s", ch->realm, sep, s ? "service=" : "", s ? s : "", s && q ? "&" : "",
                          q ? "scope=" : "", q ? q : "");
    curl_free(s);
    curl_free(q);
    return url;
}

static int parse_token_response(const struct http_response *resp, const char *realm, char **token, long *lifetime,
                                 struct error **err)
{
    CLEANUP_JSON yajl_val root = NULL;
    if (json_parse(resp->body ? resp->body : "", resp->body_len, realm, &root, err) < 0)
        return error_setc(err, EXIT_NETWORK, 0, "token from %s: response is not JSON", realm);
    const char *tok = NULL, *access = NULL;
    int64_t expires_in = 0;
    if (json_get_string(root, "", "token", &tok, err) < 0 || json_get_string(root, "", "access_token", &access, err) < 0 ||
        json_get_int64(root, "", "expires_in", &expires_in, err) < 0)
        return error_prefix(err, "token from %s", realm);
    if (!(tok && *tok) && !(access && *access))
        return error_setc(err, EXIT_NETWORK, 0, "token from %s: no token in the response", realm);
    *token = xstrdup(tok && *tok ? tok : access);
    *lifetime = expires_in > 0 ? (long)expires_in : TOKEN_DEFAULT_LIFETIME_S;
    return 0;
}

int auth_token_fetch(struct auth_state *a, CURLSH *share, const struct creds *c, const char *scope,
                     struct error **err)
{
    const struct auth_challenge *ch = &a->challenge;
    struct http_response resp = { 0 };
    CLEANUP_FREE char *hostport = url_hostport(ch->realm);
    if (hostport == NULL)
        return error_setc(err, EXIT_NETWORK, 0, "token realm %s: not a URL", ch->realm);
    struct tls_config tls;
    tls_config_for_host(hostport, a->tls_verify, &tls);
    CURL *tmp = curl_easy_init();
    CLEANUP_FREE char *url = token_url(tmp, ch, scope);
    curl_easy_cleanup(tmp);
    CURL *easy = http_easy_new(url, &tls, &resp, share);
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(easy, CURLOPT_ERRORBUFFER, errbuf);
    curl_easy_setopt(easy, CURLOPT_WRITEFUNCTION, http_body_cb);
    curl_easy_setopt(easy, CURLOPT_WRITEDATA, &resp);
    /* The realm may redirect; curl keeps the credentials to the realm's host. */
    curl_easy_setopt(easy, CURLOPT_FOLLOWLOCATION, 1L);
    curl_easy_setopt(easy, CURLOPT_MAXREDIRS, (long)HTTP_MAX_REDIRECTS);
    if (c->user) {
        curl_easy_setopt(easy, CURLOPT_HTTPAUTH, (long)CURLAUTH_BASIC);
        curl_easy_setopt(easy, CURLOPT_USERNAME, c->user);
        curl_easy_setopt(easy, CURLOPT_PASSWORD, c->pass);
    }
    log_debug("token request: %s", url);
    CURLcode rc = curl_easy_perform(easy);
    curl_easy_getinfo(easy, CURLINFO_RESPONSE_CODE, &resp.status);
    curl_easy_cleanup(easy);
    tls_config_clear(&tls);
    int ret = 0;
    char *token = NULL;
    long lifetime = 0;
    if (rc != CURLE_OK)
        ret = http_curl_error(err, rc, url, errbuf);
    else if (resp.status != 200)
        ret = http_status_error(err, &resp, "token request");
    else
        ret = parse_token_response(&resp, ch->realm, &token, &lifetime, err);
    if (ret == 0) {
        token_store(a, scope, token, lifetime);
        free(token);
    }
    http_response_clear(&resp);
    return ret;
}
