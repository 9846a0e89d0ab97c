/* pivot_root and its --no-pivot alternative. */
#include "rootfs_pivot.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/mountinfo.h"

int rootfs_pivot(const char *rootfs, struct error **err)
{
    CLEANUP_CLOSE int old = open("/", O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    CLEANUP_CLOSE int new = open(rootfs, O_DIRECTORY | O_RDONLY | O_CLOEXEC);
    if (old < 0 || new < 0)
        return error_set(err, errno, "pivot_root to %s: open", rootfs);
    if (fchdir(new) < 0)
        return error_set(err, errno, "pivot_root to %s: chdir", rootfs);
    if (syscall(SYS_pivot_root, ".", ".") < 0)
        return error_set(err, errno, "pivot_root to %s", rootfs);
    /* The old root now sits on top of "/"; step into it and detach it. Make
     * it a slave first so the unmount does not propagate to the host. */
    if (fchdir(old) < 0)
        return error_set(err, errno, "pivot_root to %s: chdir to the old root", rootfs);
    if (mount(NULL, ".", NULL, MS_SLAVE | MS_REC, NULL) < 0)
        return error_set(err, errno, "pivot_root to %s: make the old root a slave", rootfs);
    if (umount2(".", MNT_DETACH) < 0)
        return error_set(err, errno, "pivot_root to %s: detach the old root", rootfs);
    if (chdir("/") < 0)
        return error_set(err, errno, "pivot_root to %s: chdir /", rootfs);
    return 0;
}

/* Full proc and sysfs mounts of the host outside the rootfs. */
static bool is_host_kernel_fs(const struct mountinfo_entry *e, const char *rootfs)
{
    bool kernel_fs = strcmp(e->fstype, "proc") == 0 || strcmp(e->fstype, "sysfs") == 0;
    return kernel_fs && strcmp(e->root, "/") == 0 && !path_within(e->mount_point, rootfs);
}

/* With chroot the host's /proc and /sys stay in the mount namespace, and the
 * kernel's "is procfs fully visible" check for new proc mounts looks at
 * them: detach them (or cover them when that is refused). */
static int hide_host_kernel_fs(const char *rootfs, struct error **err)
{
    CLEANUP_MOUNTINFO struct mountinfo *mi = NULL;
    if (mountinfo_open(NULL, &mi, err) < 0)
        return -1;
    const struct mountinfo_entry *e;
    int rc;
    while ((rc = mountinfo_next(mi, &e, err)) == 1) {
        if (!is_host_kernel_fs(e, rootfs))
            continue;
        const char *point = e->mount_point;
        if (mount(NULL, point, NULL, MS_SLAVE | MS_REC, NULL) < 0) {
            if (errno == ENOENT)
                continue; /* beneath something already detached */
            return error_set(err, errno, "make %s a slave", point);
        }
        if (umount2(point, MNT_DETACH) == 0)
            continue;
        if ((errno != EINVAL && errno != EPERM) || mount("tmpfs", point, "tmpfs", 0, NULL) < 0)
            return error_set(err, errno, "hide %s", point);
    }
    return rc;
}

int rootfs_chroot(const char *rootfs, struct error **err)
{
    if (chdir(rootfs) < 0)
        return error_set(err, errno, "chdir %s", rootfs);
    if (hide_host_kernel_fs(rootfs, err) < 0)
        return error_prefix(err, "no-pivot");
    if (mount(rootfs, "/", NULL, MS_MOVE, NULL) < 0)
        return error_set(err, errno, "no-pivot: move %s to /", rootfs);
    if (chroot(".") < 0 || chdir("/") < 0)
        return error_set(err, errno, "no-pivot: chroot %s", rootfs);
    return 0;
}
