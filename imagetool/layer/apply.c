/* layer_apply: one pass over the (decompressed, hashed) tar, entry by entry,
 * then directory times, then the diff_id check. */
#include "imagetool/layer/layer.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <limits.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/layer/internal.h"

static const char *entry_name(struct archive_entry *e)
{
    const char *name = archive_entry_pathname(e);
    return name ? name : archive_entry_pathname_utf8(e);
}

/* Limits that hold for every entry: components within NAME_MAX, and no
 * deeper than the directory fds the open-file limit allows. */
static int check_path_limits(const struct layer_ctx *ctx, struct error **err)
{
    if (layer_path_check_names(&ctx->path, err) < 0)
        return -1;
    if (ctx->path.n > ctx->max_depth)
        return error_setc(err, EXIT_INVALID, 0, "%zu levels deep (more than %zu, from the open-file limit)",
                          ctx->path.n, ctx->max_depth);
    return 0;
}

static unsigned own_type(void *opaque, const struct layer_path *p, size_t n)
{
    struct layer_ctx *ctx = opaque;
    CLEANUP_FREE char *path = layer_path_join(p, n);
    struct stat st;
    return fstatat(ctx->rootfd, path, &st, AT_SYMLINK_NOFOLLOW) == 0 ? st.st_mode & S_IFMT : 0;
}

static int apply_one(void *arg, struct archive *a, struct archive_entry *e, struct error **err)
{
    struct layer_ctx *ctx = arg;
    const char *name = entry_name(e);
    if (name == NULL)
        return error_setc(err, EXIT_INVALID, 0, "entry without a name");
    layer_path_set(&ctx->path, name);
    int r;
    if (check_path_limits(ctx, err) < 0) {
        CLEANUP_FREE char *shown = layer_short_name(name);
        return error_prefix(err, "%s", shown);
    }
    if (layer_is_aufs_meta(&ctx->path))
        return 0;
    if (ctx->below && layer_below_rewrite(ctx->below, &ctx->path, own_type, ctx, err) < 0)
        return -1;
    if (ctx->path.n > 0 && layer_is_whiteout(ctx->path.comp[ctx->path.n - 1])) {
        r = layer_whiteout_apply(ctx, e, err);
    } else {
        if (ctx->seen && ctx->path.n > 0) {
            CLEANUP_FREE char *path = layer_path_join(&ctx->path, ctx->path.n);
            path_set_add(ctx->seen, path);
        }
        r = layer_entry_apply(ctx, a, e, err);
    }
    if (r < 0) {
        CLEANUP_FREE char *shown = layer_short_name(name);
        return error_prefix(err, "%s", shown);
    }
    return 0;
}

/* One O_PATH fd per directory level is held while applying, beside the
 * program's own: keep 64 for those. */
static size_t depth_limit(void)
{
    struct rlimit rl;
    if (getrlimit(RLIMIT_NOFILE, &rl) < 0 || rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur > 1u << 20)
        return 1u << 20;
    return rl.rlim_cur > 64 + 16 ? (size_t)rl.rlim_cur - 64 : 16;
}

static void ctx_free(struct layer_ctx *ctx)
{
    dir_cache_clear(&ctx->dirs);
    layer_path_free(&ctx->path);
    layer_path_free(&ctx->aux);
    path_set_free(ctx->seen);
    for (size_t i = 0; i < ctx->n_dir_times; i++)
        free(ctx->dir_times[i].path);
    free(ctx->dir_times);
}

int layer_apply(int blob_fd, int target_dirfd, const char *diff_id, enum whiteout_mode mode, struct error **err)
{
    return layer_apply_with(blob_fd, target_dirfd, diff_id, mode, NULL, err);
}

static int apply_full(int blob_fd, int target_dirfd, const char *diff_id, enum whiteout_mode mode,
                      struct layer_rootless *rootless, struct layer_below *below, struct error **err);

/* Not root and no set given: this one layer is the whole job. */
static int apply_rootless_alone(int blob_fd, int target_dirfd, const char *diff_id, enum whiteout_mode mode,
                                struct layer_below *below, struct error **err)
{
    struct layer_rootless *r = layer_rootless_new();
    int rc = apply_full(blob_fd, target_dirfd, diff_id, mode, r, below, err);
    if (rc == 0)
        rc = layer_rootless_finish(r, target_dirfd, err);
    layer_rootless_free(r);
    return rc;
}

static int apply_full(int blob_fd, int target_dirfd, const char *diff_id, enum whiteout_mode mode,
                      struct layer_rootless *rootless, struct layer_below *below, struct error **err)
{
    if (geteuid() != 0 && rootless == NULL)
        return apply_rootless_alone(blob_fd, target_dirfd, diff_id, mode, below, err);
    if (diff_id && !digest_is_valid(diff_id))
        return error_setc(err, EXIT_INVALID, 0, "invalid diff_id %s", diff_id);
    struct layer_stream *s = NULL;
    if (layer_stream_open(blob_fd, &s, err) < 0)
        return -1;
    struct layer_ctx ctx = {
        .rootfd = target_dirfd,
        .mode = mode,
        .privileged = geteuid() == 0,
        .rootless = geteuid() == 0 ? NULL : rootless,
        .below = below,
        .seen = mode == WHITEOUT_APPLY ? path_set_new() : NULL,
        .max_depth = depth_limit(),
    };
    dir_cache_init(&ctx.dirs, target_dirfd);
    /* modes come from the tar as they are */
    mode_t old_umask = umask(0);
    int rc = layer_stream_each_entry(s, apply_one, &ctx, err);
    if (rc == 0)
        rc = layer_fix_dir_times(&ctx, err);
    if (rc == 0)
        rc = layer_stream_check_diff_id(s, diff_id, err);
    umask(old_umask);
    ctx_free(&ctx);
    layer_stream_free(s);
    return rc;
}

int layer_apply_with(int blob_fd, int target_dirfd, const char *diff_id, enum whiteout_mode mode,
                     struct layer_rootless *rootless, struct error **err)
{
    return apply_full(blob_fd, target_dirfd, diff_id, mode, rootless, NULL, err);
}

int layer_apply_below(int blob_fd, int target_dirfd, const char *diff_id, struct layer_below *below,
                      struct error **err)
{
    return apply_full(blob_fd, target_dirfd, diff_id, WHITEOUT_OVERLAY, NULL, below, err);
}
