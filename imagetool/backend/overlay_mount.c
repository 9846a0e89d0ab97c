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

/* The kernel's own explanation, queued on the fs context ("e overlayfs: ..."). */
static char *context_message(int fsfd)
{
    char buf[512];
    ssize_t n = read(fsfd, buf, sizeof(buf) - 1);
    if (n <= 2)
        return NULL;
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return xstrdup(buf + 2);
}

static int context_error(int fsfd, const char *what, const char *arg, const char *rootfs, struct error **err)
{
    int e = errno;
    CLEANUP_FREE char *msg = context_message(fsfd);
    if (msg)
        return error_set(err, e, "mount overlay on %s: %s %s: %s", rootfs, what, arg ? arg : "", msg);
    return error_set(err, e, "mount overlay on %s: %s %s", rootfs, what, arg ? arg : "");
}

/* Returns 1 when this kernel lacks the API or "lowerdir+", so the caller falls back. */
static int mount_new_api(const struct overlay_dirs *d, struct error **err)
{
    CLEANUP_CLOSE int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return errno == ENOSYS ? 1 : error_set(err, errno, "fsopen overlay");
    for (char **l = d->lower; *l; l++) {
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) < 0) {
            if (errno == EINVAL && l == d->lower)
                return 1;
            return context_error(fsfd, "lowerdir", *l, d->rootfs, err);
        }
    }
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, "upperdir", d->upper, 0) < 0)
        return context_error(fsfd, "upperdir", d->upper, d->rootfs, err);
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, "workdir", d->work, 0) < 0)
        return context_error(fsfd, "workdir", d->work, d->rootfs, err);
    if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return context_error(fsfd, "create", NULL, d->rootfs, err);
    CLEANUP_CLOSE int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
    if (mfd < 0)
        return error_set(err, errno, "fsmount overlay for %s", d->rootfs);
    if (move_mount(mfd, "", AT_FDCWD, d->rootfs, MOVE_MOUNT_F_EMPTY_PATH) < 0)
        return error_set(err, errno, "move_mount overlay to %s", d->rootfs);
    return 0;
}

static int mount_legacy(const struct overlay_dirs *d, struct error **err)
{
    size_t len = 0;
    for (char **l = d->lower; *l; l++)
        len += strlen(*l) + 1;
    CLEANUP_FREE char *lower = xcalloc(1, len + 1);
    for (char **l = d->lower; *l; l++) {
        if (l != d->lower)
            strcat(lower, ":");
        strcat(lower, *l);
    }
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
    int r = mount_new_api(d, err);
    return r == 1 ? mount_legacy(d, err) : r;
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
