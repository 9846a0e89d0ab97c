/* Entry parents of a layer extracted on its own (a layer cache) resolved
 * against the layers below it, as they resolve when the layers are applied
 * in order: `lnk -> /data` below and `lnk/.wh.x` in this layer names
 * data/x. Only a parent the layer does not carry itself is looked up below;
 * a symlink there is followed inside the merged tree (absolute targets from
 * its root, `..` stopping at the root, at most 40 links) and the entry's
 * name is rewritten to the resolved directory. A link that leads nowhere
 * leaves the name as it is. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/layer/internal.h"

#define LINKS_MAX 40

/* "a/b/c" of a component list, "." for none. */
static char *join(char **comp, size_t n)
{
    if (n == 0)
        return xstrdup(".");
    struct layer_path p = { .comp = comp, .n = n };
    return layer_path_join(&p, n);
}

/* Push target's components in front of the queue (*q, from index *at). */
static void queue_link(char ***q, size_t *at, const char *target)
{
    CLEANUP_STRV char **rest = NULL;
    CLEANUP_FREE char *copy = xstrdup(target);
    char *save = NULL;
    for (char *t = strtok_r(copy, "/", &save); t; t = strtok_r(NULL, "/", &save))
        strv_append(&rest, t);
    for (size_t i = *at; (*q)[i]; i++)
        strv_append(&rest, (*q)[i]);
    strv_free(*q);
    *q = TAKE_PTR(rest);
    *at = 0;
}

/* The directory the first n components of p name in the tree at root,
 * symlinks followed inside it: its components in *out. -1: nothing there. */
static int resolve_in(int root, const struct layer_path *p, size_t n, char ***out)
{
    CLEANUP_STRV char **queue = NULL, **stack = NULL;
    for (size_t i = 0; i < n; i++)
        strv_append(&queue, p->comp[i]);
    size_t at = 0, depth = 0;
    int links = 0;
    while (queue && queue[at]) {
        const char *c = queue[at++];
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            if (depth > 0)
                free(stack[--depth]), stack[depth] = NULL;
            continue;
        }
        strv_append(&stack, c);
        depth++;
        CLEANUP_FREE char *path = join(stack, depth);
        struct stat st;
        if (fstatat(root, path, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return -1;
        if (S_ISDIR(st.st_mode))
            continue;
        if (!S_ISLNK(st.st_mode) || ++links > LINKS_MAX)
            return -1;
        char target[PATH_MAX];
        ssize_t len = readlinkat(root, path, target, sizeof(target) - 1);
        if (len <= 0)
            return -1;
        target[len] = '\0';
        free(stack[--depth]), stack[depth] = NULL;
        if (target[0] == '/')
            while (depth > 0)
                free(stack[--depth]), stack[depth] = NULL;
        queue_link(&queue, &at, target);
    }
    *out = stack ? TAKE_PTR(stack) : xcalloc(1, sizeof(char *));
    return 0;
}

/* p with its first n components replaced by dir. */
static void splice_dir(struct layer_path *p, char **dir, size_t n)
{
    CLEANUP_STRV char **comp = strv_copy((const char *const *)dir);
    for (size_t i = n; i < p->n; i++)
        strv_append(&comp, p->comp[i]);
    CLEANUP_FREE char *name = join(comp, strv_len(comp));
    layer_path_set(p, name);
}

/* 1: p was rewritten; 0: it stays. */
static int rewrite_once(struct layer_below *b, struct layer_path *p, layer_own_type_fn own_type, void *own,
                        struct error **err)
{
    size_t n = p->n ? p->n - 1 : 0, i = 0;
    while (i < n && own_type(own, p, i + 1) == S_IFDIR)
        i++;
    if (i == n || own_type(own, p, i + 1) != 0)
        return 0; /* the layer's own parents, or its own non-directory: the usual rules */
    int root = b->root(b, err);
    if (root < 0)
        return -1;
    for (; i < n; i++) {
        CLEANUP_FREE char *prefix = layer_path_join(p, i + 1);
        struct stat st;
        if (fstatat(root, prefix, &st, AT_SYMLINK_NOFOLLOW) < 0 || (!S_ISDIR(st.st_mode) && !S_ISLNK(st.st_mode)))
            return 0;
        if (S_ISDIR(st.st_mode))
            continue;
        CLEANUP_STRV char **dir = NULL;
        if (resolve_in(root, p, i + 1, &dir) < 0)
            return 0;
        splice_dir(p, dir, i + 1);
        return 1;
    }
    return 0;
}

int layer_below_rewrite(struct layer_below *b, struct layer_path *p, layer_own_type_fn own_type, void *own,
                        struct error **err)
{
    for (int round = 0; round <= LINKS_MAX; round++) {
        int r = rewrite_once(b, p, own_type, own, err);
        if (r <= 0)
            return r;
    }
    return error_setc(err, EXIT_INVALID, 0, "too many levels of symbolic links in the layers below");
}
