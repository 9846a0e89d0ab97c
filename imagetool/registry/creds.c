#include "imagetool/registry/creds.h"

#include <nettle/base64.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/xalloc.h"

void creds_clear(struct creds *c)
{
    free(c->user);
    if (c->pass)
        explicit_bzero(c->pass, strlen(c->pass));
    free(c->pass);
    memset(c, 0, sizeof(*c));
}

char *base64_encode(const void *data, size_t len)
{
    char *out = xmalloc(BASE64_ENCODE_RAW_LENGTH(len) + 1);
    base64_encode_raw(out, len, data);
    out[BASE64_ENCODE_RAW_LENGTH(len)] = '\0';
    return out;
}

static char *base64_decode(const char *text, size_t *len_out)
{
    size_t len = strlen(text);
    if (len % 4 != 0)
        return NULL;
    uint8_t *out = xmalloc(BASE64_DECODE_LENGTH(len) + 1);
    size_t n = BASE64_DECODE_LENGTH(len);
    struct base64_decode_ctx ctx;
    base64_decode_init(&ctx);
    if (!base64_decode_update(&ctx, &n, out, len, text) || !base64_decode_final(&ctx)) {
        free(out);
        return NULL;
    }
    out[n] = '\0';
    *len_out = n;
    return (char *)out;
}

static int split_user_pass(const char *text, const char *what, struct creds *out, struct error **err)
{
    const char *colon = strchr(text, ':');
    if (colon == NULL || colon == text)
        return error_setc(err, EXIT_USAGE, 0, "%s: expected USER:PASSWORD", what);
    out->user = strndup(text, (size_t)(colon - text));
    out->pass = xstrdup(colon + 1);
    return 0;
}

/* "https://host/v1/" -> "host"; "host/ns" stays. */
static char *normalise_key(const char *key)
{
    const char *p = strstr(key, "://");
    p = p ? p + 3 : key;
    char *k = xstrdup(p);
    size_t len = strlen(k);
    while (len && k[len - 1] == '/')
        k[--len] = '\0';
    char *v = strstr(k, "/v1");
    if (v && (v[3] == '\0'))
        *v = '\0';
    v = strstr(k, "/v2");
    if (v && (v[3] == '\0'))
        *v = '\0';
    return k;
}

static bool is_hub(const char *host)
{
    return !strcmp(host, "docker.io") || !strcmp(host, "index.docker.io") || !strcmp(host, "registry-1.docker.io");
}

/* How well key matches domain/path: 0 none, else its length (longest wins). */
static size_t key_match(const char *key, const char *domain, const char *path)
{
    CLEANUP_FREE char *k = normalise_key(key);
    char *slash = strchr(k, '/');
    if (slash == NULL)
        return (!strcmp(k, domain) || (is_hub(k) && is_hub(domain))) ? 1 : 0;
    CLEANUP_FREE char *full = xasprintf("%s/%s", domain, path);
    size_t len = strlen(k);
    return (!strncmp(full, k, len) && (full[len] == '\0' || full[len] == '/')) ? 1 + len : 0;
}

static int entry_creds(yajl_val entry, const char *what, struct creds *out, struct error **err)
{
    const char *auth = NULL, *user = NULL, *pass = NULL;
    if (json_get_string(entry, what, "auth", &auth, err) < 0 ||
        json_get_string(entry, what, "username", &user, err) < 0 ||
        json_get_string(entry, what, "password", &pass, err) < 0)
        return -1;
    if (auth && *auth) {
        size_t len;
        CLEANUP_FREE char *plain = base64_decode(auth, &len);
        if (plain == NULL || strlen(plain) != len)
            return error_setc(err, EXIT_INVALID, 0, "%s.auth: not valid base64", what);
        int rc = split_user_pass(plain, what, out, err);
        explicit_bzero(plain, len);
        return rc < 0 ? error_setc(err, EXIT_INVALID, 0, "%s.auth: expected base64 of user:password", what) : 1;
    }
    if (user && pass) {
        out->user = xstrdup(user);
        out->pass = xstrdup(pass);
        return 1;
    }
    return 0;
}

/* 1 found, 0 no entry (or no file), -1 error. */
static int creds_from_file(const char *file, const char *domain, const char *path, struct creds *out,
                           struct error **err)
{
    if (!path_exists(file))
        return 0;
    CLEANUP_JSON yajl_val root = NULL;
    if (json_parse_file(file, &root, err) < 0)
        return -1;
    yajl_val auths = NULL;
    if (json_get_object(root, "", "auths", &auths, err) < 0)
        return error_prefix(err, "%s", file);
    if (auths == NULL)
        return 0;
    size_t best = 0, best_i = 0;
    for (size_t i = 0; i < auths->u.object.len; i++) {
        size_t m = key_match(auths->u.object.keys[i], domain, path);
        if (m > best)
            best = m, best_i = i;
    }
    if (best == 0)
        return 0;
    CLEANUP_FREE char *what = xasprintf("auths.%s", auths->u.object.keys[best_i]);
    int rc = entry_creds(auths->u.object.values[best_i], what, out, err);
    if (rc < 0)
        return error_prefix(err, "%s", file);
    if (rc > 0)
        log_debug("registry credentials for %s from %s", domain, file);
    return rc;
}

static char **auth_file_candidates(const char *authfile)
{
    char **v = xcalloc(6, sizeof(char *));
    size_t n = 0;
    const char *env = getenv("REGISTRY_AUTH_FILE");
    const char *runtime_dir = getenv("XDG_RUNTIME_DIR");
    const char *config_home = getenv("XDG_CONFIG_HOME");
    const char *home = getenv("HOME");
    if (authfile) { /* as in containers/image: the given file alone */
        v[n++] = xstrdup(authfile);
        return v;
    }
    if (env && *env)
        v[n++] = xstrdup(env);
    if (runtime_dir && *runtime_dir)
        v[n++] = xasprintf("%s/containers/auth.json", runtime_dir);
    if (config_home && *config_home)
        v[n++] = xasprintf("%s/containers/auth.json", config_home);
    else if (home && *home)
        v[n++] = xasprintf("%s/.config/containers/auth.json", home);
    if (home && *home)
        v[n++] = xasprintf("%s/.docker/config.json", home);
    return v;
}

int creds_lookup(const char *creds_opt, const char *authfile, const char *domain, const char *path,
                 struct creds *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    if (creds_opt)
        return split_user_pass(creds_opt, "--creds", out, err);
    if (authfile && !path_exists(authfile))
        return error_setc(err, EXIT_NOTFOUND, 0, "--authfile %s: no such file", authfile);
    CLEANUP_STRV char **files = auth_file_candidates(authfile);
    for (char **f = files; *f; f++) {
        int rc = creds_from_file(*f, domain, path, out, err);
        if (rc != 0) {
            if (rc < 0)
                creds_clear(out);
            return rc < 0 ? -1 : 0;
        }
    }
    return 0;
}
