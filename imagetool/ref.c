#include "imagetool/ref.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/xalloc.h"

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* One path component: [a-z0-9]+ joined by ".", "_", "__" or any run of "-". */
static bool path_component_valid(const char *s, size_t len)
{
    size_t i = 0;
    if (len == 0 || !is_lower_alnum(s[0]) || !is_lower_alnum(s[len - 1]))
        return false;
    while (i < len) {
        if (is_lower_alnum(s[i])) {
            i++;
            continue;
        }
        size_t sep = i;
        while (i < len && !is_lower_alnum(s[i]))
            i++;
        size_t n = i - sep;
        bool dashes = strspn(s + sep, "-") >= n;
        bool ok = dashes || (n == 1 && (s[sep] == '.' || s[sep] == '_')) || (n == 2 && !strncmp(s + sep, "__", 2));
        if (!ok)
            return false;
    }
    return true;
}

static int check_path(const char *path, const char *text, struct error **err)
{
    for (const char *p = path; *p; p++)
        if (isupper((unsigned char)*p))
            return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: repository name must be lowercase", text);
    const char *start = path;
    for (;;) {
        const char *slash = strchr(start, '/');
        size_t len = slash ? (size_t)(slash - start) : strlen(start);
        if (!path_component_valid(start, len))
            return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: bad repository name component '%.*s'",
                              text, (int)len, start);
        if (!slash)
            return 0;
        start = slash + 1;
    }
}

static bool domain_label_valid(const char *s, size_t len)
{
    if (len == 0 || !isalnum((unsigned char)s[0]) || !isalnum((unsigned char)s[len - 1]))
        return false;
    for (size_t i = 0; i < len; i++)
        if (!isalnum((unsigned char)s[i]) && s[i] != '-')
            return false;
    return true;
}

/* host[:port] where host is dot-separated labels or a bracketed IPv6 address. */
static bool domain_valid(const char *d)
{
    const char *port = NULL;
    size_t hostlen;
    if (d[0] == '[') {
        const char *close = strchr(d, ']');
        if (!close || close == d + 1 || strspn(d + 1, "0123456789abcdefABCDEF:") != (size_t)(close - d - 1))
            return false;
        if (close[1] != '\0' && close[1] != ':')
            return false;
        port = close[1] == ':' ? close + 2 : NULL;
        hostlen = 0;
    } else {
        const char *colon = strchr(d, ':');
        hostlen = colon ? (size_t)(colon - d) : strlen(d);
        port = colon ? colon + 1 : NULL;
        const char *label = d;
        while (label < d + hostlen) {
            const char *dot = memchr(label, '.', (size_t)(d + hostlen - label));
            size_t len = dot ? (size_t)(dot - label) : (size_t)(d + hostlen - label);
            if (!domain_label_valid(label, len))
                return false;
            label += len + 1;
            if (dot && label == d + hostlen)
                return false; /* trailing dot */
        }
        if (hostlen == 0)
            return false;
    }
    if (port && (*port == '\0' || strspn(port, "0123456789") != strlen(port) || strlen(port) > 5))
        return false;
    return true;
}

static bool tag_valid(const char *t)
{
    size_t len = strlen(t);
    if (len == 0 || len > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
        return false;
    for (size_t i = 1; i < len; i++)
        if (!isalnum((unsigned char)t[i]) && !strchr("_.-", t[i]))
            return false;
    return true;
}

static int parse_digest(const char *d, const char *text, struct docker_ref *out, struct error **err)
{
    const char *colon = strchr(d, ':');
    if (!colon || colon == d)
        return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: bad digest '%s'", text, d);
    if (strncmp(d, "sha256:", 7) != 0)
        return error_setc(err, EXIT_INVALID, 0, "%s: unsupported digest algorithm '%.*s' (only sha256)", text,
                          (int)(colon - d), d);
    if (!digest_is_valid(d))
        return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: bad sha256 digest '%s'", text, d);
    out->digest = xstrdup(d);
    return 0;
}

/* Docker's rule: the first component is a registry host when it has a '.'
 * or a ':' or is "localhost" (or has capitals, which no path may have). */
static bool first_component_is_domain(const char *name, size_t len)
{
    if (memchr(name, '.', len) || memchr(name, ':', len) || (len == 9 && !strncmp(name, "localhost", 9)))
        return true;
    for (size_t i = 0; i < len; i++)
        if (isupper((unsigned char)name[i]))
            return true;
    return false;
}

static void split_domain(const char *name, struct docker_ref *out)
{
    const char *slash = strchr(name, '/');
    if (slash && first_component_is_domain(name, (size_t)(slash - name))) {
        out->domain = strndup(name, (size_t)(slash - name));
        out->path = xstrdup(slash + 1);
    } else {
        out->domain = xstrdup(DOCKER_HUB_DOMAIN);
        out->path = xstrdup(name);
    }
    if (out->domain == NULL)
        abort();
    if (!strcmp(out->domain, "index.docker.io") || !strcmp(out->domain, "registry-1.docker.io")) {
        free(out->domain);
        out->domain = xstrdup(DOCKER_HUB_DOMAIN);
    }
    if (!strcmp(out->domain, DOCKER_HUB_DOMAIN) && !strchr(out->path, '/')) {
        char *p = xasprintf("library/%s", out->path);
        free(out->path);
        out->path = p;
    }
}

/* Split "name[:tag][@digest]" into its parts (name and tag in place). */
static int split_tag_digest(char *buf, const char *text, char **tag, struct docker_ref *out, struct error **err)
{
    char *at = strchr(buf, '@');
    if (at) {
        *at = '\0';
        if (parse_digest(at + 1, text, out, err) < 0)
            return -1;
    }
    char *last_slash = strrchr(buf, '/');
    char *colon = strrchr(last_slash ? last_slash : buf, ':');
    *tag = NULL;
    if (colon) {
        *colon = '\0';
        *tag = colon + 1;
        if (!tag_valid(*tag))
            return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: bad tag '%s'", text, *tag);
    }
    return 0;
}

static int parse_into(const char *text, struct docker_ref *out, struct error **err)
{
    if (text[0] == '\0')
        return error_setc(err, EXIT_INVALID, 0, "empty image reference");
    CLEANUP_FREE char *buf = xstrdup(text);
    char *tag;
    if (split_tag_digest(buf, text, &tag, out, err) < 0)
        return -1;
    if (buf[0] == '\0')
        return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: no repository name", text);
    if (strlen(buf) == DIGEST_HEX_LEN && strspn(buf, "0123456789abcdef") == DIGEST_HEX_LEN)
        return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: a 64-digit hex string is not a name", text);
    split_domain(buf, out);
    if (!domain_valid(out->domain))
        return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: bad registry host '%s'", text, out->domain);
    if (check_path(out->path, text, err) < 0)
        return -1;
    if (strlen(out->domain) + 1 + strlen(out->path) > REF_NAME_MAX)
        return error_setc(err, EXIT_INVALID, 0, "%s: invalid reference: name longer than %d characters", text,
                          REF_NAME_MAX);
    if (tag)
        out->tag = xstrdup(tag);
    else if (!out->digest)
        out->tag = xstrdup("latest");
    return 0;
}

int docker_ref_parse(const char *text, struct docker_ref *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    if (parse_into(text, out, err) < 0) {
        docker_ref_clear(out);
        return -1;
    }
    return 0;
}

void docker_ref_clear(struct docker_ref *r)
{
    free(r->domain);
    free(r->path);
    free(r->tag);
    free(r->digest);
    memset(r, 0, sizeof(*r));
}

char *docker_ref_repository(const struct docker_ref *r)
{
    return xasprintf("%s/%s", r->domain, r->path);
}

char *docker_ref_string(const struct docker_ref *r)
{
    return xasprintf("%s/%s%s%s%s%s", r->domain, r->path, r->tag ? ":" : "", r->tag ? r->tag : "",
                     r->digest ? "@" : "", r->digest ? r->digest : "");
}

char *docker_ref_store_name(const struct docker_ref *r)
{
    if (r->tag)
        return xasprintf("%s/%s:%s", r->domain, r->path, r->tag);
    return xasprintf("%s/%s@%s", r->domain, r->path, r->digest);
}

const char *docker_ref_api_host(const struct docker_ref *r)
{
    return strcmp(r->domain, DOCKER_HUB_DOMAIN) ? r->domain : DOCKER_HUB_API_HOST;
}

bool docker_host_is_loopback(const char *host)
{
    size_t len = strcspn(host, ":");
    if (host[0] == '[')
        return !strncmp(host, "[::1]", 5) && (host[5] == '\0' || host[5] == ':');
    if (len == 9 && !strncmp(host, "localhost", 9))
        return true;
    if (strncmp(host, "127.", 4) != 0)
        return false;
    int dots = 0;
    for (size_t i = 0; i < len; i++) {
        if (host[i] == '.')
            dots++;
        else if (!isdigit((unsigned char)host[i]))
            return false;
    }
    return dots == 3;
}
