/* overlay mounts: fsopen/fsconfig/fsmount/move_mount, or mount(2). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "imagetool/backend/backend.h"
#include "common/spec.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/overlay_child.h"
#include "imagetool/backend/overlay_context.h"
#include "imagetool/backend/overlay_mount.h"

#define OPTIONS_MAX 4096

void overlay_dirs_clear(struct overlay_dirs *d)
{
    strv_free(d->lower);
    free(d->upper);
    free(d->work);
    free(d->rootfs);
    memset(d, 0, sizeof(*d));
}

/* 1 when this kernel has no fsopen or no "lowerdir+" (EINVAL; *err then
 * says what the kernel said), so the caller falls back to mount(2). */
static int mount_new_api(const struct overlay_dirs *d, bool *explained, struct error **err)
{
    struct overlay_params p = { .lower = d->lower, .upper = d->upper, .work = d->work };
    CLEANUP_FREE char *what = xasprintf("mount overlay on %s", d->rootfs);
    CLEANUP_CLOSE int fsfd = overlay_context(&p, what, explained, err);
    if (fsfd < 0)
        return errno == ENOSYS || errno == EINVAL ? 1 : -1;
    CLEANUP_CLOSE int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
    if (mfd < 0)
        return error_set(err, errno, "fsmount overlay for %s", d->rootfs);
    if (move_mount(mfd, "", AT_FDCWD, d->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return error_set(err, errno, "move_mount overlay to %s", d->rootfs);
    return 0;
}

static int mount_legacy(const struct overlay_dirs *d, struct error **err)
{
    CLEANUP_FREE char *lower = overlay_lower_list(d->lower);
    CLEANUP_FREE char *opts = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s", lower, d->upper, d->work);
    if (strlen(opts) >= OPTIONS_MAX)
        return error_setc(err, EXIT_FAIL, 0, "mount overlay on %s: %zu layers do not fit in mount options",
                          d->rootfs, strv_len(d->lower));
    if (mount("overlay", d->rootfs, "overlay", 0, opts) < 0)
        return error_set(err, errno, "mount overlay on %s", d->rootfs);
    return 0;
}

int overlay_mount(const struct overlay_dirs *d, struct error **err)
{
    CLEANUP_ERROR struct error *first = NULL;
    bool explained = false;
    int r = mount_new_api(d, &explained, &first);
    if (r != 1)
        return r < 0 ? error_move(err, &first) : 0;
    CLEANUP_ERROR struct error *legacy = NULL;
    if (mount_legacy(d, &legacy) == 0)
        return 0;
    /* the new API's error says more where the kernel explained it */
    return error_move(err, explained ? &first : &legacy);
}

int overlay_mount_layers(const struct overlay_dirs *d, const int *layer_fds, size_t n, struct error **err)
{
    CLEANUP_ERROR struct error *first = NULL;
    if (n == 0 || !overlay_child_needed()) {
        if (overlay_mount(d, &first) == 0)
            return 0;
        if (n == 0 || first->errnum != EINVAL)
            return error_move(err, &first);
    }
    struct overlay_params p = { .lower = d->lower, .upper = d->upper, .work = d->work };
    CLEANUP_FREE char *what = xasprintf("mount overlay on %s", d->rootfs);
    CLEANUP_CLOSE int mfd = overlay_child_attached(&p, layer_fds, n, what, first ? NULL : err);
    if (mfd < 0)
        return first ? error_move(err, &first) : -1;
    if (move_mount(mfd, "", AT_FDCWD, d->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return error_set(err, errno, "move_mount overlay to %s", d->rootfs);
    return 0;
}

void overlay_dir_names(const char *bundle, struct overlay_dirs *d)
{
    d->rootfs = path_join(bundle, BUNDLE_ROOTFS);
    CLEANUP_FREE char *base = path_join(bundle, OVERLAY_DIR);
    d->upper = path_join(base, "upper");
    d->work = path_join(base, "work");
}

int overlay_make_dirs(const char *bundle, struct overlay_dirs *d, struct error **err)
{
    overlay_dir_names(bundle, d);
    CLEANUP_FREE char *base = path_join(bundle, OVERLAY_DIR);
    const char *const dirs[] = { base, d->upper, d->work, d->rootfs };
    /* .overlay/ holds the container's writes: 0700 like the bundle; upper
     * and work keep 0755 so the overlay's root is not 0700 inside */
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (mkdir(dirs[i], i == 0 ? 0700 : 0755) < 0)
            return error_set(err, errno, "mkdir %s", dirs[i]);
    return 0;
}

int overlay_dirs_setup(const char *bundle, bool fresh, struct overlay_dirs *d, struct error **err)
{
    if (fresh)
        return overlay_make_dirs(bundle, d, err);
    overlay_dir_names(bundle, d);
    if (is_mount_point(d->rootfs) == 1)
        return error_setc(err, EXIT_STATE, 0, "%s is mounted already", d->rootfs);
    return 0;
}

int overlay_unmount(const char *bundle, struct error **err)
{
    CLEANUP_FREE char *rootfs = path_join(bundle, BUNDLE_ROOTFS);
    if (umount2(rootfs, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT)
        return 0;
    if (errno == EBUSY)
        return error_setc(err, EXIT_STATE, errno, "umount %s (a container still uses it?)", rootfs);
    return error_set(err, errno, "umount %s", rootfs);
}
