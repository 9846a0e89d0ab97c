/* A string set (open addressing, FNV-1a) of the paths one layer carries,
 * with their ancestors: what an opaque directory keeps. */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/layer/internal.h"

struct path_set {
    char **slot;
    size_t cap, count;
};

static uint64_t hash_str(const char *s, size_t len)
{
    uint64_t h = 1469598103934665603ULL;
    for (size_t i = 0; i < len; i++) {
        h ^= (unsigned char)s[i];
        h *= 1099511628211ULL;
    }
    return h;
}

struct path_set *path_set_new(void)
{
    struct path_set *s = xcalloc(1, sizeof(*s));
    s->cap = 1024;
    s->slot = xcalloc(s->cap, sizeof(*s->slot));
    return s;
}

/* The slot holding path[0..len), or the empty slot where it would go. */
static size_t find(const struct path_set *s, const char *path, size_t len)
{
    size_t i = hash_str(path, len) & (s->cap - 1);
    while (s->slot[i] && (strncmp(s->slot[i], path, len) != 0 || s->slot[i][len] != '\0'))
        i = (i + 1) & (s->cap - 1);
    return i;
}

static void grow(struct path_set *s)
{
    char **old = s->slot;
    size_t old_cap = s->cap;
    s->cap *= 2;
    s->slot = xcalloc(s->cap, sizeof(*s->slot));
    for (size_t i = 0; i < old_cap; i++)
        if (old[i])
            s->slot[find(s, old[i], strlen(old[i]))] = old[i];
    free(old);
}

/* false if it was there already */
static bool add_one(struct path_set *s, const char *path, size_t len)
{
    if ((s->count + 1) * 2 > s->cap)
        grow(s);
    size_t i = find(s, path, len);
    if (s->slot[i])
        return false;
    char *copy = xmalloc(len + 1);
    memcpy(copy, path, len);
    copy[len] = '\0';
    s->slot[i] = copy;
    s->count++;
    return true;
}

void path_set_add(struct path_set *s, const char *path)
{
    size_t len = strlen(path);
    while (len > 0 && add_one(s, path, len)) {
        while (len > 0 && path[len - 1] != '/')
            len--;
        if (len > 0)
            len--; /* drop the '/' */
    }
}

bool path_set_has(const struct path_set *s, const char *path)
{
    return s->slot[find(s, path, strlen(path))] != NULL;
}

void path_set_free(struct path_set *s)
{
    if (s == NULL)
        return;
    for (size_t i = 0; i < s->cap; i++)
        free(s->slot[i]);
    free(s->slot);
    free(s);
}
