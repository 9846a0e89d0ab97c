/* Image names as the store records them: Docker references in full form. */
#include <ctype.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

static bool is_lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* [a-z0-9]+ ((\.|_|__|-+) [a-z0-9]+)* */
static bool path_component_ok(const char *p, size_t len)
{
    size_t i = 0;
    while (i < len) {
        if (!is_lower_alnum(p[i]))
            return false;
        while (i < len && is_lower_alnum(p[i]))
            i++;
        if (i == len)
            return true;
        size_t sep = i;
        while (i < len && (p[i] == '-'))
            i++;
        if (i == sep) {
            if (p[i] == '.')
                i++;
            else if (p[i] == '_')
                i += (i + 1 < len && p[i + 1] == '_') ? 2 : 1;
            else
                return false;
        }
        if (i == len)
            return false;
    }
    return len > 0;
}

static bool path_ok(const char *p, size_t len)
{
    size_t start = 0;
    for (size_t i = 0; i <= len; i++) {
        if (i == len || p[i] == '/') {
            if (!path_component_ok(p + start, i - start))
                return false;
            start = i + 1;
        }
    }
    return true;
}

static bool tag_ok(const char *t)
{
    size_t n = strlen(t);
    if (n == 0 || n > 128 || !(isalnum((unsigned char)t[0]) || t[0] == '_'))
        return false;
    for (size_t i = 1; i < n; i++)
        if (!(isalnum((unsigned char)t[i]) || t[i] == '_' || t[i] == '.' || t[i] == '-'))
            return false;
    return true;
}

static bool domain_ok(const char *d, size_t len)
{
    for (size_t i = 0; i < len; i++)
        if (!(isalnum((unsigned char)d[i]) || strchr(".-:[]", d[i])))
            return false;
    return len > 0;
}

static bool looks_like_domain(const char *first, size_t len)
{
    return memchr(first, '.', len) || memchr(first, ':', len) || (len == 9 && !memcmp(first, "localhost", 9));
}

/* Source strings ("oci:dir:tag") are names too; "oci:dir" would otherwise
 * read as repository "oci" with tag "dir". */
static bool is_source_string(const char *name)
{
    static const char *const transports[] = { "oci:", "oci-archive:", "docker-archive:", "dir:", "docker:",
                                              "aci:", "appc:" };
    for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
        if (strncmp(name, transports[i], strlen(transports[i])) == 0)
            return true;
    return false;
}

/* "oci:./dir:tag" -> "oci:/abs/dir:tag" as the sources name images; NULL
 * when name is no source string or its path does not exist. */
char *store_source_canonical(const char *name)
{
    const char *colon = strchr(name, ':');
    if (!is_source_string(name) || colon == NULL)
        return NULL;
    CLEANUP_FREE char *whole = realpath(colon + 1, NULL);
    if (whole)
        return xasprintf("%.*s:%s", (int)(colon - name), name, whole);
    const char *tail = strchr(colon + 1, ':');
    if (tail == NULL)
        return NULL;
    CLEANUP_FREE char *path = strndup(colon + 1, (size_t)(tail - colon - 1));
    CLEANUP_FREE char *abs = realpath(path, NULL);
    return abs ? xasprintf("%.*s:%s%s", (int)(colon - name), name, abs, tail) : NULL;
}

char *store_name_normalise(const char *name)
{
    if (is_source_string(name))
        return xstrdup(name);
    CLEANUP_FREE char *copy = xstrdup(name);
    char *digest = strchr(copy, '@');
    if (digest) {
        *digest++ = '\0';
        if (!digest_is_valid(digest))
            return xstrdup(name);
    }
    char *last_slash = strrchr(copy, '/');
    char *tag = strrchr(last_slash ? last_slash : copy, ':');
    if (tag) {
        *tag++ = '\0';
        if (!tag_ok(tag))
            return xstrdup(name);
    }
    const char *domain = "docker.io", *path = copy;
    size_t domain_len = strlen(domain);
    char *slash = strchr(copy, '/');
    if (slash && looks_like_domain(copy, (size_t)(slash - copy))) {
        domain = copy;
        domain_len = (size_t)(slash - copy);
        path = slash + 1;
        if (!domain_ok(domain, domain_len))
            return xstrdup(name);
        if (domain_len == 15 && !memcmp(domain, "index.docker.io", 15))
            domain = "docker.io", domain_len = 9;
    }
    if (!path_ok(path, strlen(path)))
        return xstrdup(name);
    bool hub = domain_len == 9 && !memcmp(domain, "docker.io", 9);
    const char *library = hub && !strchr(path, '/') ? "library/" : "";
    if (!tag && !digest)
        tag = "latest";
    return xasprintf("%.*s/%s%s%s%s%s%s", (int)domain_len, domain, library, path, tag ? ":" : "",
                     tag ? tag : "", digest ? "@" : "", digest ? digest : "");
}
