/* Entry names cleaned into component lists, and the cache of resolved
 * parent directories that keeps path resolution cheap and inside the target. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/layer/internal.h"

void layer_path_set(struct layer_path *p, const char *name)
{
    size_t len = strlen(name);
    free(p->buf);
    p->buf = xmalloc(len + 1);
    memcpy(p->buf, name, len + 1);
    p->n = 0;
    char *save = NULL;
    for (char *c = strtok_r(p->buf, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (p->n > 0)
                p->n--;
            continue;
        }
        if (p->n == p->cap) {
            p->cap = p->cap ? p->cap * 2 : 16;
            p->comp = xrealloc(p->comp, p->cap * sizeof(*p->comp));
        }
        p->comp[p->n++] = c;
    }
}

char *layer_path_join(const struct layer_path *p, size_t n)
{
    size_t len = 0;
    for (size_t i = 0; i < n; i++)
        len += strlen(p->comp[i]) + 1;
    char *out = xmalloc(len + 1), *w = out;
    for (size_t i = 0; i < n; i++) {
        if (i > 0)
            *w++ = '/';
        size_t l = strlen(p->comp[i]);
        memcpy(w, p->comp[i], l);
        w += l;
    }
    *w = '\0';
    return out;
}

int layer_path_check_names(const struct layer_path *p, struct error **err)
{
    for (size_t i = 0; i < p->n; i++) {
        size_t len = strlen(p->comp[i]);
        if (len > NAME_MAX)
            return error_setc(err, EXIT_INVALID, 0, "a name component of %zu bytes (more than %d)", len, NAME_MAX);
    }
    return 0;
}

char *layer_short_name(const char *name)
{
    size_t len = strlen(name);
    if (len <= 160)
        return xstrdup(name);
    return xasprintf("%.64s...%s (%zu bytes)", name, name + len - 64, len);
}

void layer_path_free(struct layer_path *p)
{
    free(p->buf);
    free(p->comp);
    memset(p, 0, sizeof(*p));
}

static bool is_setgid(int fd)
{
    struct stat st;
    return fstat(fd, &st) == 0 && (st.st_mode & S_ISGID);
}

void dir_cache_init(struct dir_cache *c, int rootfd)
{
    memset(c, 0, sizeof(*c));
    c->rootfd = rootfd;
    c->root_setgid = is_setgid(rootfd);
}

bool dir_cache_setgid(const struct dir_cache *c, size_t n)
{
    return n == 0 ? c->root_setgid : c->setgid[n - 1];
}

static void truncate_to(struct dir_cache *c, size_t depth)
{
    while (c->depth > depth) {
        c->depth--;
        close(c->fd[c->depth]);
        free(c->name[c->depth]);
    }
}

void dir_cache_clear(struct dir_cache *c)
{
    truncate_to(c, 0);
    free(c->name);
    free(c->fd);
    free(c->setgid);
    c->name = NULL;
    c->fd = NULL;
    c->setgid = NULL;
    c->cap = 0;
}

static void push(struct dir_cache *c, const char *name, int fd)
{
    if (c->depth == c->cap) {
        c->cap = c->cap ? c->cap * 2 : 16;
        c->name = xrealloc(c->name, c->cap * sizeof(*c->name));
        c->fd = xrealloc(c->fd, c->cap * sizeof(*c->fd));
        c->setgid = xrealloc(c->setgid, c->cap * sizeof(*c->setgid));
    }
    c->name[c->depth] = xstrdup(name);
    c->fd[c->depth] = fd;
    c->setgid[c->depth] = is_setgid(fd);
    c->depth++;
}

/* Component i of p, beneath the already resolved fd of its parent. */
static int open_component(struct dir_cache *c, int parent, const struct layer_path *p, size_t i, bool create)
{
    const int flags = O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
    int fd = openat(parent, p->comp[i], flags);
    if (fd < 0 && errno == ENOENT && create) {
        if (mkdirat(parent, p->comp[i], 0755) < 0 && errno != EEXIST)
            return -1;
        fd = openat(parent, p->comp[i], flags);
    }
    if (fd >= 0 || (errno != ENOTDIR && errno != ELOOP))
        return fd;
    /* A symlink (or not a dir): resolve the whole prefix again, as if the
     * target were the root, so the link cannot lead outside. */
    CLEANUP_FREE char *prefix = layer_path_join(p, i + 1);
    return open_in_root(c->rootfd, prefix, O_PATH | O_DIRECTORY, 0);
}

int dir_cache_resolve(struct dir_cache *c, const struct layer_path *p, size_t n, bool create)
{
    size_t k = 0;
    while (k < c->depth && k < n && strcmp(c->name[k], p->comp[k]) == 0)
        k++;
    truncate_to(c, k);
    for (size_t i = k; i < n; i++) {
        int parent = i == 0 ? c->rootfd : c->fd[i - 1];
        int fd = open_component(c, parent, p, i, create);
        if (fd < 0)
            return -1;
        push(c, p->comp[i], fd);
    }
    return n == 0 ? c->rootfd : c->fd[n - 1];
}
