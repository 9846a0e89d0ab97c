/* Owners, times and xattrs of entries, and the end-of-layer pass that sets
 * directory times once nothing more is written into them. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/layer/internal.h"

void layer_entry_times(struct archive_entry *e, struct timespec ts[2])
{
    ts[1].tv_sec = archive_entry_mtime(e);
    ts[1].tv_nsec = archive_entry_mtime_nsec(e);
    if (archive_entry_atime_is_set(e)) {
        ts[0].tv_sec = archive_entry_atime(e);
        ts[0].tv_nsec = archive_entry_atime_nsec(e);
    } else {
        ts[0] = ts[1];
    }
}

bool layer_xattr_reserved(const char *name)
{
    /* overlayfs' own markers (trusted.*, or user.* in a user namespace's
     * overlay) are never taken from a tar */
    return strncmp(name, "trusted.overlay.", 16) == 0 || strncmp(name, "user.overlay.", 13) == 0;
}

/* Unsupported by the file system, or refused for this kind of file (user.*
 * on a symlink) or this caller (trusted.* unprivileged): warn once, go on. */
static int xattr_failed(struct layer_ctx *ctx, const char *name, struct error **err)
{
    if (errno == ENOTSUP || errno == EPERM) {
        if (!ctx->warned_xattr)
            log_warn("xattr %s not set: %s (further such warnings suppressed)", name, strerror(errno));
        ctx->warned_xattr = true;
        return 0;
    }
    return error_set(err, errno, "set xattr %s", name);
}

int layer_set_xattrs_fd(struct layer_ctx *ctx, int fd, struct archive_entry *e, struct error **err)
{
    if (archive_entry_xattr_reset(e) == 0)
        return 0;
    const char *name;
    const void *value;
    size_t size;
    while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK) {
        if (layer_xattr_reserved(name))
            continue;
        if (fsetxattr(fd, name, value, size, 0) < 0 && xattr_failed(ctx, name, err) < 0)
            return -1;
    }
    return 0;
}

/* For entries that cannot be opened (symlinks, devices, fifos): through the
 * parent's fd in /proc, the last component not followed (lsetxattr). */
int layer_set_xattrs_at(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                        struct error **err)
{
    if (archive_entry_xattr_reset(e) == 0)
        return 0;
    char path[64 + 256];
    snprintf(path, sizeof(path), "/proc/self/fd/%d/%s", pfd, name);
    const char *xname;
    const void *value;
    size_t size;
    while (archive_entry_xattr_next(e, &xname, &value, &size) == ARCHIVE_OK) {
        if (layer_xattr_reserved(xname))
            continue;
        if (lsetxattr(path, xname, value, size, 0) < 0 && xattr_failed(ctx, xname, err) < 0)
            return -1;
    }
    return 0;
}

bool layer_owner_is_default(const struct layer_ctx *ctx, struct archive_entry *e)
{
    if (!ctx->privileged)
        return archive_entry_uid(e) == 0 && archive_entry_gid(e) == 0;
    return archive_entry_uid(e) == 0 && archive_entry_gid(e) == 0 && !ctx->parent_setgid;
}

int layer_chown_fd(struct layer_ctx *ctx, int fd, struct archive_entry *e, struct error **err)
{
    if (!ctx->privileged)
        return layer_rootless_owner_fd(ctx, fd, (uint32_t)archive_entry_uid(e), (uint32_t)archive_entry_gid(e), err);
    if (fchown(fd, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e)) < 0)
        return error_set(err, errno, "chown");
    return 0;
}

int layer_chown_at(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                   struct error **err)
{
    if (!ctx->privileged)
        return 0; /* symlinks and special files take no user.* xattr */
    if (fchownat(pfd, name, (uid_t)archive_entry_uid(e), (gid_t)archive_entry_gid(e), AT_SYMLINK_NOFOLLOW) < 0)
        return error_set(err, errno, "chown");
    return 0;
}

void layer_defer_dir_time(struct layer_ctx *ctx, const char *path, struct archive_entry *e)
{
    if (ctx->n_dir_times == ctx->cap_dir_times) {
        ctx->cap_dir_times = ctx->cap_dir_times ? ctx->cap_dir_times * 2 : 256;
        ctx->dir_times = xrealloc(ctx->dir_times, ctx->cap_dir_times * sizeof(*ctx->dir_times));
    }
    struct dir_time *d = &ctx->dir_times[ctx->n_dir_times++];
    d->path = xstrdup(path);
    layer_entry_times(e, d->ts);
}

static int set_root_time(struct layer_ctx *ctx, const struct timespec ts[2], struct error **err)
{
    CLEANUP_CLOSE int fd = openat(ctx->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || futimens(fd, ts) < 0)
        return error_set(err, errno, "set times of /");
    return 0;
}

int layer_fix_dir_times(struct layer_ctx *ctx, struct error **err)
{
    for (size_t i = 0; i < ctx->n_dir_times; i++) {
        struct dir_time *d = &ctx->dir_times[i];
        layer_path_set(&ctx->aux, d->path);
        if (ctx->aux.n == 0) {
            if (set_root_time(ctx, d->ts, err) < 0)
                return -1;
            continue;
        }
        int pfd = dir_cache_resolve(&ctx->dirs, &ctx->aux, ctx->aux.n - 1, false);
        if (pfd < 0 && errno == ENOENT)
            continue; /* removed later in the layer */
        const char *name = ctx->aux.comp[ctx->aux.n - 1];
        struct stat st;
        if (pfd >= 0 && fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                continue;
            pfd = -1;
        }
        if (pfd >= 0 && !S_ISDIR(st.st_mode))
            continue; /* replaced later in the layer: that entry's times stand */
        if (pfd < 0 || utimensat(pfd, name, d->ts, AT_SYMLINK_NOFOLLOW) < 0)
            return error_set(err, errno, "set times of %s", d->path);
    }
    return 0;
}
