/* Meta discovery and templates. */
#include <ctype.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/appc/discovery.h"

void appc_endpoints_clear(struct appc_endpoints *e)
{
    strv_free(e->templates);
    strv_free(e->pubkeys);
    e->templates = e->pubkeys = NULL;
}

/* The value of attribute attr in the tag text [p, end), or NULL. */
static char *attribute(const char *p, const char *end, const char *attr)
{
    size_t n = strlen(attr);
    for (const char *q = p; q + n < end; q++) {
        if (strncasecmp(q, attr, n) != 0 || (q > p && !isspace((unsigned char)q[-1])))
            continue;
        const char *v = q + n;
        while (v < end && isspace((unsigned char)*v))
            v++;
        if (v >= end || *v != '=')
            continue;
        v++;
        while (v < end && isspace((unsigned char)*v))
            v++;
        if (v < end && (*v == '"' || *v == '\'')) {
            const char *close = memchr(v + 1, *v, (size_t)(end - v - 1));
            return close ? strndup(v + 1, (size_t)(close - v - 1)) : NULL;
        }
        size_t len = 0;
        while (v + len < end && !isspace((unsigned char)v[len]) && v[len] != '>' && v[len] != '/')
            len++;
        return strndup(v, len);
    }
    return NULL;
}

/* "prefix-match url": whether prefix-match is a prefix of name; the url. */
static char *matching_url(const char *content, const char *name)
{
    const char *sp = content + strcspn(content, " \t\n");
    size_t plen = (size_t)(sp - content);
    if (*sp == '\0' || plen == 0 || strncmp(name, content, plen) != 0)
        return NULL;
    while (isspace((unsigned char)*sp))
        sp++;
    size_t ulen = strcspn(sp, " \t\n");
    return ulen ? strndup(sp, ulen) : NULL;
}

void appc_meta_parse(const char *html, const char *name, struct appc_endpoints *out)
{
    for (const char *p = html; (p = strcasestr(p, "<meta")) != NULL; p++) {
        const char *end = strchr(p, '>');
        if (!end)
            break;
        CLEANUP_FREE char *tag_name = attribute(p + 5, end, "name");
        CLEANUP_FREE char *content = attribute(p + 5, end, "content");
        CLEANUP_FREE char *url = content ? matching_url(content, name) : NULL;
        if (!tag_name || !url)
            continue;
        if (strcmp(tag_name, "ac-discovery") == 0)
            strv_append(&out->templates, url);
        else if (strcmp(tag_name, "ac-discovery-pubkeys") == 0)
            strv_append(&out->pubkeys, url);
    }
}

static const char *placeholder(const char *key, size_t len, const char *name, const struct appc_labels *labels,
                               const char *ext)
{
    if (len == 4 && !strncmp(key, "name", 4))
        return name;
    if (len == 3 && !strncmp(key, "ext", 3))
        return ext;
    for (size_t i = 0; i < labels->n; i++)
        if (strlen(labels->v[i].name) == len && !strncmp(labels->v[i].name, key, len))
            return labels->v[i].value;
    return NULL;
}

char *appc_render(const char *tmpl, const char *name, const struct appc_labels *labels, const char *ext)
{
    size_t cap = strlen(tmpl) + 256, len = 0;
    char *out = xmalloc(cap);
    for (const char *p = tmpl; *p;) {
        const char *value = NULL;
        size_t skip = 1;
        if (*p == '{') {
            const char *close = strchr(p, '}');
            if (!close || !(value = placeholder(p + 1, (size_t)(close - p - 1), name, labels, ext))) {
                free(out);
                return NULL;
            }
            skip = (size_t)(close - p + 1);
        }
        size_t add = value ? strlen(value) : 1;
        if (len + add + 1 > cap) {
            cap = (len + add + 1) * 2;
            out = xrealloc(out, cap);
        }
        memcpy(out + len, value ? value : p, add);
        len += add;
        p += skip;
    }
    out[len] = '\0';
    return out;
}

char *appc_simple_url(const char *prefix, const char *name, const struct appc_labels *labels, const char *ext)
{
    size_t n = strlen(prefix);
    CLEANUP_FREE char *tmpl = xasprintf("%s%s{name}-{version}-{os}-{arch}.{ext}", prefix,
                                        n && prefix[n - 1] == '/' ? "" : "/");
    return appc_render(tmpl, name, labels, ext);
}

/* "https://HOST[:port]/REST?ac-discovery=1" */
static char *discovery_url(const char *scheme, const char *prefix, int port)
{
    size_t host = strcspn(prefix, "/");
    if (port > 0)
        return xasprintf("%s://%.*s:%d%s?ac-discovery=1", scheme, (int)host, prefix, port, prefix + host);
    return xasprintf("%s://%s?ac-discovery=1", scheme, prefix);
}

/* One prefix: 1 when it gave templates, 0 when not (try the parent). */
static int try_prefix(struct appc_http *h, const char *name, const char *prefix, int port, struct appc_endpoints *out,
                      struct error **last)
{
    CLEANUP_FREE char *url = discovery_url("https", prefix, port);
    struct http_response resp = { 0 };
    error_cleanup(last);
    int r = appc_http_get(h, url, NULL, &resp, last);
    if (r < 0 && appc_http_allowed(h, url)) {
        free(url);
        url = discovery_url("http", prefix, port);
        log_debug("https failed for %s: trying plain http", prefix);
        error_cleanup(last);
        r = appc_http_get(h, url, NULL, &resp, last);
    }
    if (r == 0 && resp.status == 200 && resp.body)
        appc_meta_parse(resp.body, name, out);
    else if (r == 0)
        appc_http_status_error(h, url, resp.status, last);
    http_response_clear(&resp);
    if (out->templates)
        return 1;
    if (r == 0 && !*last)
        error_setc(last, EXIT_NOTFOUND, 0, "%s: no ac-discovery meta tag for %s", url, name);
    return 0;
}

int appc_meta_discover(struct appc_http *h, const char *name, int port, struct appc_endpoints *out,
                       struct error **err)
{
    memset(out, 0, sizeof(*out));
    CLEANUP_FREE char *prefix = xstrdup(name);
    CLEANUP_ERROR struct error *last = NULL;
    for (;;) {
        if (try_prefix(h, name, prefix, port, out, &last) > 0)
            return 0;
        appc_endpoints_clear(out);
        char *slash = strrchr(prefix, '/');
        if (!slash)
            break;
        *slash = '\0';
    }
    return error_setc(err, last && last->exit_class == EXIT_NETWORK ? EXIT_NETWORK : EXIT_NOTFOUND, 0,
                      "%s: meta discovery found no image location (last: %s)", name, last ? last->msg : "-");
}
