/* Whiteouts: ".wh.NAME" hides NAME of the lower layers, ".wh..wh..opq"
 * hides everything the lower layers had in its directory. Applied (deleted)
 * for the copy backend, or recorded as overlayfs records them. */
#include <archive.h>
#include <archive_entry.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/layer/internal.h"

#define WH_PREFIX ".wh."
#define WH_META_PREFIX ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"

bool layer_is_whiteout(const char *name)
{
    return strncmp(name, WH_PREFIX, strlen(WH_PREFIX)) == 0;
}

bool layer_is_aufs_meta(const struct layer_path *p)
{
    return p->n > 1 && strncmp(p->comp[0], WH_META_PREFIX, strlen(WH_META_PREFIX)) == 0;
}

/* Remove from the open dir fd (at path) whatever the layer does not carry. */
static int clean_opaque(struct layer_ctx *ctx, int fd, const char *path, struct error **err)
{
    int dupfd = dup(fd);
    DIR *d = dupfd < 0 ? NULL : fdopendir(dupfd);
    if (d == NULL) {
        if (dupfd >= 0)
            close(dupfd);
        return error_set(err, errno, "read dir %s", path);
    }
    CLEANUP_CLOSEDIR DIR *dir = d;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        CLEANUP_FREE char *child = *path ? xasprintf("%s/%s", path, de->d_name) : xstrdup(de->d_name);
        if (!path_set_has(ctx->seen, child)) {
            if (layer_remove_at(fd, de->d_name, err) < 0)
                return error_prefix(err, "%s", child);
            continue;
        }
        /* carried by this layer: keep it, but not what lower layers put in it */
        CLEANUP_CLOSE int cfd = openat(fd, de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (cfd < 0 && errno != ENOTDIR && errno != ELOOP)
            return error_set(err, errno, "open %s", child);
        if (cfd >= 0 && clean_opaque(ctx, cfd, child, err) < 0)
            return -1;
    }
    return 0;
}

static int opaque_apply(struct layer_ctx *ctx, int dirfd, struct error **err)
{
    CLEANUP_FREE char *path = layer_path_join(&ctx->path, ctx->path.n - 1);
    CLEANUP_CLOSE int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    return clean_opaque(ctx, fd, path, err);
}

/* An ordinary user's overlay (mounted in its user namespace with
 * "userxattr") reads user.overlay.*, which the user may set. */
static int opaque_overlay(int dirfd, struct error **err)
{
    const char *name = geteuid() == 0 ? "trusted.overlay.opaque" : "user.overlay.opaque";
    CLEANUP_CLOSE int fd = openat(dirfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || fsetxattr(fd, name, "y", 1, 0) < 0)
        return error_set(err, errno, "set %s", name);
    return 0;
}

/* overlayfs' whiteout: a 0:0 character device with the hidden name. */
static int whiteout_overlay(int pfd, const char *name, struct error **err)
{
    if (mknodat(pfd, name, S_IFCHR, makedev(0, 0)) == 0)
        return 0;
    if (errno != EEXIST)
        return error_set(err, errno, "mknod whiteout %s", name);
    if (layer_remove_at(pfd, name, err) < 0)
        return -1;
    if (mknodat(pfd, name, S_IFCHR, makedev(0, 0)) < 0)
        return error_set(err, errno, "mknod whiteout %s", name);
    return 0;
}

int layer_whiteout_apply(struct layer_ctx *ctx, struct archive_entry *e, struct error **err)
{
    (void)e;
    const char *wh = ctx->path.comp[ctx->path.n - 1];
    bool opaque = strcmp(wh, WH_OPAQUE) == 0;
    if (!opaque && strncmp(wh, WH_META_PREFIX, strlen(WH_META_PREFIX)) == 0)
        return 0; /* aufs bookkeeping (.wh..wh.plnk and the like) */
    const char *name = wh + strlen(WH_PREFIX);
    if (!opaque && (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0))
        return error_setc(err, EXIT_INVALID, 0, "whiteout of an invalid name");
    bool overlay = ctx->mode == WHITEOUT_OVERLAY;
    int pfd = dir_cache_resolve(&ctx->dirs, &ctx->path, ctx->path.n - 1, overlay);
    if (pfd < 0 && (errno == ENOENT || errno == ENOTDIR) && !overlay)
        return 0; /* nothing below to hide */
    if (pfd < 0) {
        CLEANUP_FREE char *dir = layer_path_join(&ctx->path, ctx->path.n - 1);
        return error_setc(err, errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? EXIT_INVALID : EXIT_FAIL, errno,
                          "parent directory %s", dir);
    }
    if (opaque)
        return overlay ? opaque_overlay(pfd, err) : opaque_apply(ctx, pfd, err);
    return overlay ? whiteout_overlay(pfd, name, err) : layer_remove_at(pfd, name, err);
}
