/* One tar entry onto the target: created with *at() calls beneath its
 * resolved parent, never following a symlink in the last component; what
 * is in the way is removed first, as tar does. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "imagetool/layer/internal.h"

int layer_remove_at(int pfd, const char *name, struct error **err)
{
    if (unlinkat(pfd, name, 0) == 0 || errno == ENOENT)
        return 0;
    if (errno != EISDIR && errno != EPERM)
        return error_set(err, errno, "remove %s", name);
    return rm_rf_at(pfd, name, err);
}

static int write_data(struct archive *a, int fd, struct archive_entry *e, struct error **err)
{
    const void *buf;
    size_t size;
    la_int64_t offset, end = 0;
    int r;
    while ((r = archive_read_data_block(a, &buf, &size, &offset)) == ARCHIVE_OK) {
        const char *p = buf;
        while (size > 0) {
            ssize_t w = pwrite(fd, p, size, offset);
            if (w < 0 && errno == EINTR)
                continue;
            if (w < 0)
                return error_set(err, errno, "write");
            p += w;
            offset += w;
            size -= (size_t)w;
        }
        end = offset;
    }
    if (r != ARCHIVE_EOF)
        return error_setc(err, EXIT_INVALID, 0, "read data: %s", archive_error_string(a));
    /* a sparse file may end in a hole */
    if (end < archive_entry_size(e) && ftruncate(fd, archive_entry_size(e)) < 0)
        return error_set(err, errno, "truncate");
    return 0;
}

/* Not root: the file is made open to its owner, its owner goes into the
 * xattr after the tar's own xattrs, and its mode comes last. */
static int file_metadata_rootless(struct layer_ctx *ctx, int fd, mode_t made, struct archive_entry *e,
                                  struct error **err)
{
    mode_t mode = archive_entry_perm(e) & 07777;
    if (layer_set_xattrs_fd(ctx, fd, e, err) < 0 ||
        (!layer_owner_is_default(ctx, e) && layer_chown_fd(ctx, fd, e, err) < 0))
        return -1;
    if (mode != made && fchmod(fd, mode) < 0)
        return error_set(err, errno, "chmod");
    return 0;
}

static int file_metadata(struct layer_ctx *ctx, int fd, struct archive_entry *e, struct error **err)
{
    mode_t mode = archive_entry_perm(e);
    if (!layer_owner_is_default(ctx, e) && layer_chown_fd(ctx, fd, e, err) < 0)
        return -1;
    /* after chown, which clears setuid and setgid */
    if ((mode & 07000) && fchmod(fd, mode & 07777) < 0)
        return error_set(err, errno, "chmod");
    return layer_set_xattrs_fd(ctx, fd, e, err);
}

static int create_file(struct layer_ctx *ctx, struct archive *a, int pfd, const char *name,
                       struct archive_entry *e, struct error **err)
{
    mode_t made = (archive_entry_perm(e) & 0777) | (ctx->privileged ? 0 : 0600);
    const int flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC;
    CLEANUP_CLOSE int fd = openat(pfd, name, flags, made);
    if (fd < 0 && errno == EEXIST) {
        if (layer_remove_at(pfd, name, err) < 0)
            return -1;
        fd = openat(pfd, name, flags, made);
    }
    if (fd < 0)
        return error_set(err, errno, "create");
    if (archive_entry_size(e) > 0 && write_data(a, fd, e, err) < 0)
        return -1;
    int r = ctx->privileged ? file_metadata(ctx, fd, e, err) : file_metadata_rootless(ctx, fd, made, e, err);
    if (r < 0)
        return -1;
    struct timespec ts[2];
    layer_entry_times(e, ts);
    if (futimens(fd, ts) < 0)
        return error_set(err, errno, "set times");
    return 0;
}

static int dir_metadata(struct layer_ctx *ctx, int fd, struct archive_entry *e, struct error **err)
{
    if (layer_chown_fd(ctx, fd, e, err) < 0)
        return -1;
    /* not root: open to the owner until layer_rootless_finish */
    mode_t open_bits = ctx->privileged ? 0 : 0700;
    if (fchmod(fd, (archive_entry_perm(e) & 07777) | open_bits) < 0)
        return error_set(err, errno, "chmod");
    return layer_set_xattrs_fd(ctx, fd, e, err);
}

/* mkdir alone gives a new dir all it needs: plain mode bits, the default
 * owner, no xattrs. */
static bool mkdir_is_enough(struct layer_ctx *ctx, struct archive_entry *e)
{
    return !(archive_entry_perm(e) & (S_ISUID | S_ISGID)) && layer_owner_is_default(ctx, e) &&
           archive_entry_xattr_count(e) == 0;
}

static int create_dir(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                      struct error **err)
{
    CLEANUP_FREE char *path = layer_path_join(&ctx->path, ctx->path.n);
    mode_t mode = (archive_entry_perm(e) & 01777) | (ctx->privileged ? 0 : 0700);
    if (ctx->rootless)
        layer_rootless_dir(ctx->rootless, path, archive_entry_perm(e));
    int r = mkdirat(pfd, name, mode);
    if (r == 0 && mkdir_is_enough(ctx, e)) {
        layer_defer_dir_time(ctx, path, e);
        return 0;
    }
    if (r < 0 && errno != EEXIST)
        return error_set(err, errno, "mkdir");
    if (r < 0) {
        struct stat st;
        if (fstatat(pfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
            return error_set(err, errno, "stat");
        /* an existing dir stays with its content; anything else goes */
        if (!S_ISDIR(st.st_mode) && layer_remove_at(pfd, name, err) < 0)
            return -1;
        if (!S_ISDIR(st.st_mode) && mkdirat(pfd, name, mode) < 0)
            return error_set(err, errno, "mkdir");
    }
    CLEANUP_CLOSE int fd = openat(pfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open");
    if (dir_metadata(ctx, fd, e, err) < 0)
        return -1;
    layer_defer_dir_time(ctx, path, e);
    return 0;
}

/* The "./" entry: metadata of the target itself. */
static int apply_root(struct layer_ctx *ctx, struct archive_entry *e, struct error **err)
{
    if (archive_entry_filetype(e) != AE_IFDIR)
        return 0;
    CLEANUP_CLOSE int fd = openat(ctx->rootfd, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open /");
    if (dir_metadata(ctx, fd, e, err) < 0)
        return -1;
    ctx->dirs.root_setgid = archive_entry_perm(e) & S_ISGID;
    if (ctx->rootless)
        layer_rootless_dir(ctx->rootless, "", archive_entry_perm(e));
    layer_defer_dir_time(ctx, "", e);
    return 0;
}

/* Owner, xattrs and times of a symlink or node just made (never followed). */
static int finish_metadata(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                           struct error **err)
{
    if ((!layer_owner_is_default(ctx, e) && layer_chown_at(ctx, pfd, name, e, err) < 0) ||
        layer_set_xattrs_at(ctx, pfd, name, e, err) < 0)
        return -1;
    struct timespec ts[2];
    layer_entry_times(e, ts);
    if (utimensat(pfd, name, ts, AT_SYMLINK_NOFOLLOW) < 0)
        return error_set(err, errno, "set times");
    return 0;
}

static int create_symlink(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                          struct error **err)
{
    const char *target = archive_entry_symlink(e);
    if (target == NULL)
        target = archive_entry_symlink_utf8(e);
    if (target == NULL)
        return error_setc(err, EXIT_INVALID, 0, "symlink without a target");
    if (symlinkat(target, pfd, name) < 0) {
        if (errno != EEXIST)
            return error_set(err, errno, "symlink");
        if (layer_remove_at(pfd, name, err) < 0)
            return -1;
        if (symlinkat(target, pfd, name) < 0)
            return error_set(err, errno, "symlink");
    }
    return finish_metadata(ctx, pfd, name, e, err);
}

static int create_node(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                       struct error **err)
{
    mode_t type = archive_entry_filetype(e) == AE_IFCHR ? S_IFCHR
                : archive_entry_filetype(e) == AE_IFBLK ? S_IFBLK : S_IFIFO;
    mode_t mode = type | (archive_entry_perm(e) & 07777);
    dev_t dev = type == S_IFIFO ? 0 : makedev(archive_entry_rdevmajor(e), archive_entry_rdevminor(e));
    if (mknodat(pfd, name, mode, dev) < 0) {
        if (errno == EPERM && !ctx->privileged && type != S_IFIFO) {
            if (!ctx->warned_mknod)
                log_warn("device nodes skipped: unprivileged (first: %s)", name);
            ctx->warned_mknod = true;
            return 0;
        }
        if (errno != EEXIST)
            return error_set(err, errno, "mknod");
        if (layer_remove_at(pfd, name, err) < 0)
            return -1;
        if (mknodat(pfd, name, mode, dev) < 0)
            return error_set(err, errno, "mknod");
    }
    return finish_metadata(ctx, pfd, name, e, err);
}

/* The link's target is resolved beneath the target like any path; linkat
 * without AT_SYMLINK_FOLLOW links a symlink itself, never what it names. */
static int create_hardlink(struct layer_ctx *ctx, int pfd, const char *name, const char *link,
                           struct error **err)
{
    layer_path_set(&ctx->aux, link);
    if (ctx->aux.n == 0)
        return error_setc(err, EXIT_INVALID, 0, "hardlink to the root");
    CLEANUP_FREE char *src = layer_path_join(&ctx->aux, ctx->aux.n);
    CLEANUP_FREE char *dst = layer_path_join(&ctx->path, ctx->path.n);
    if (strcmp(src, dst) == 0)
        return 0;
    CLEANUP_FREE char *src_dir = layer_path_join(&ctx->aux, ctx->aux.n - 1);
    CLEANUP_CLOSE int src_pfd = open_in_root(ctx->rootfd, src_dir, O_PATH | O_DIRECTORY, 0);
    const char *src_name = ctx->aux.comp[ctx->aux.n - 1];
    if (src_pfd < 0)
        return error_setc(err, EXIT_INVALID, errno, "hardlink target %s", src);
    if (linkat(src_pfd, src_name, pfd, name, 0) < 0) {
        if (errno == EEXIST && layer_remove_at(pfd, name, err) == 0 && linkat(src_pfd, src_name, pfd, name, 0) == 0)
            return 0;
        return error_setc(err, EXIT_INVALID, errno, "hardlink to %s", src);
    }
    return 0;
}

int layer_entry_apply(struct layer_ctx *ctx, struct archive *a, struct archive_entry *e, struct error **err)
{
    if (ctx->path.n == 0)
        return apply_root(ctx, e, err);
    int pfd = dir_cache_resolve(&ctx->dirs, &ctx->path, ctx->path.n - 1, true);
    if (pfd < 0) {
        CLEANUP_FREE char *dir = layer_path_join(&ctx->path, ctx->path.n - 1);
        return error_setc(err, errno == ENOENT || errno == ENOTDIR || errno == ELOOP ? EXIT_INVALID : EXIT_FAIL, errno,
                          "parent directory %s", dir);
    }
    ctx->parent_setgid = dir_cache_setgid(&ctx->dirs, ctx->path.n - 1);
    const char *name = ctx->path.comp[ctx->path.n - 1];
    const char *link = archive_entry_hardlink(e);
    if (link == NULL)
        link = archive_entry_hardlink_utf8(e);
    if (link)
        return create_hardlink(ctx, pfd, name, link, err);
    switch (archive_entry_filetype(e)) {
    case AE_IFREG: return create_file(ctx, a, pfd, name, e, err);
    case AE_IFDIR: return create_dir(ctx, pfd, name, e, err);
    case AE_IFLNK: return create_symlink(ctx, pfd, name, e, err);
    case AE_IFCHR:
    case AE_IFBLK:
    case AE_IFIFO: return create_node(ctx, pfd, name, e, err);
    default: return error_setc(err, EXIT_INVALID, 0, "unsupported entry type %o", archive_entry_filetype(e));
    }
}
