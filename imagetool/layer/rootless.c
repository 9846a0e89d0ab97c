/* Unpacking as an ordinary user: umoci's --rootless model (specs/rootless.md).
 * Every file belongs to the user; an owner other than 0:0 is kept in the
 * user.rootlesscontainers xattr, encoded as umoci encodes it; directories
 * stay u+rwx while layers are applied and get their own mode at the end. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/layer/internal.h"

#define ROOTLESS_XATTR "user.rootlesscontainers"
/* The proto's "no change" id: the owner is the file's (the user, i.e. 0) */
#define ROOTLESS_NOOP_ID UINT32_MAX

struct dir_mode {
    char *path;
    mode_t mode;
    size_t seq;
};

struct layer_rootless {
    struct dir_mode *dirs;
    size_t n, cap;
};

static size_t put_varint(uint8_t *out, uint32_t v)
{
    size_t n = 0;
    do {
        out[n] = (uint8_t)(v & 0x7f);
        v >>= 7;
        if (v)
            out[n] |= 0x80;
        n++;
    } while (v);
    return n;
}

/* message Resource { uint32 uid = 1; uint32 gid = 2; }: root (0) is written
 * as the no-change id, and 0:0 is no xattr at all, as umoci does. */
size_t layer_rootless_encode(uint32_t uid, uint32_t gid, uint8_t out[ROOTLESS_XATTR_MAX])
{
    size_t n = 0;
    out[n++] = 0x08;
    n += put_varint(out + n, uid == 0 ? ROOTLESS_NOOP_ID : uid);
    out[n++] = 0x10;
    n += put_varint(out + n, gid == 0 ? ROOTLESS_NOOP_ID : gid);
    return n;
}

/* Regular files and directories only: the kernel refuses user.* xattrs on
 * symlinks and special files, so their owner is the user's (as with umoci). */
int layer_rootless_owner_fd(struct layer_ctx *ctx, int fd, uint32_t uid, uint32_t gid, struct error **err)
{
    if (uid == 0 && gid == 0) {
        if (fremovexattr(fd, ROOTLESS_XATTR) < 0 && errno != ENODATA && errno != ENOTSUP)
            return error_set(err, errno, "remove xattr %s", ROOTLESS_XATTR);
        return 0;
    }
    uint8_t buf[ROOTLESS_XATTR_MAX];
    size_t len = layer_rootless_encode(uid, gid, buf);
    if (fsetxattr(fd, ROOTLESS_XATTR, buf, len, 0) == 0)
        return 0;
    if (errno == ENOTSUP) {
        if (!ctx->warned_owner)
            log_warn("owners not kept: this file system takes no %s xattr", ROOTLESS_XATTR);
        ctx->warned_owner = true;
        return 0;
    }
    return error_set(err, errno, "set xattr %s (owner %u:%u)", ROOTLESS_XATTR, uid, gid);
    return 0;
}

struct layer_rootless *layer_rootless_new(void)
{
    return xcalloc(1, sizeof(struct layer_rootless));
}

void layer_rootless_free(struct layer_rootless *r)
{
    if (r == NULL)
        return;
    for (size_t i = 0; i < r->n; i++)
        free(r->dirs[i].path);
    free(r->dirs);
    free(r);
}

void layer_rootless_dir(struct layer_rootless *r, const char *path, mode_t mode)
{
    if (r->n == r->cap) {
        r->cap = r->cap ? r->cap * 2 : 256;
        r->dirs = xrealloc(r->dirs, r->cap * sizeof(*r->dirs));
    }
    r->dirs[r->n] = (struct dir_mode){ .path = xstrdup(path), .mode = mode & 07777, .seq = r->n };
    r->n++;
}

/* Same path together, the latest record first. */
static int by_path_latest(const void *a, const void *b)
{
    const struct dir_mode *x = a, *y = b;
    int c = strcmp(x->path, y->path);
    return c ? c : (x->seq < y->seq) - (x->seq > y->seq);
}

static size_t depth(const char *p)
{
    size_t d = *p ? 1 : 0;
    for (; *p; p++)
        d += *p == '/';
    return d;
}

/* Deepest first: a parent closed to its owner cannot hide its children. */
static int by_depth(const void *a, const void *b)
{
    size_t x = depth(((const struct dir_mode *)a)->path), y = depth(((const struct dir_mode *)b)->path);
    return (x < y) - (x > y);
}

static int restore_mode(int rootfd, const struct dir_mode *d, struct error **err)
{
    const char *path = *d->path ? d->path : ".";
    CLEANUP_CLOSE int fd = open_in_root(rootfd, path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW, 0);
    if (fd < 0)
        return errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? 0 : error_set(err, errno, "open %s", path);
    if (fchmod(fd, d->mode) < 0)
        return error_set(err, errno, "chmod %s", path);
    return 0;
}

/* Keep each path's latest record, and of those only modes that shut the
 * owner out (the others are on disk already). */
static void keep_closed_latest(struct layer_rootless *r)
{
    if (r->n > 0) /* qsort of NULL, even of 0 items, is undefined */
        qsort(r->dirs, r->n, sizeof(*r->dirs), by_path_latest);
    struct dir_mode *kept = xcalloc(r->n ? r->n : 1, sizeof(*kept));
    size_t n = 0;
    for (size_t i = 0; i < r->n; i++) {
        bool older = i > 0 && strcmp(r->dirs[i - 1].path, r->dirs[i].path) == 0;
        if (!older && (r->dirs[i].mode & 0700) != 0700) {
            kept[n] = r->dirs[i];
            kept[n++].path = xstrdup(r->dirs[i].path);
        }
    }
    for (size_t i = 0; i < r->n; i++)
        free(r->dirs[i].path);
    free(r->dirs);
    r->dirs = kept;
    r->n = r->cap = n;
}

int layer_rootless_finish(struct layer_rootless *r, int rootfd, struct error **err)
{
    keep_closed_latest(r);
    qsort(r->dirs, r->n, sizeof(*r->dirs), by_depth);
    for (size_t i = 0; i < r->n; i++)
        if (restore_mode(rootfd, &r->dirs[i], err) < 0)
            return -1;
    return 0;
}
