/* Mounting one layer image, detached (an fd, attached nowhere) and
 * read-only. erofs can read its image straight from the file since Linux
 * 6.12 (no loop device to find, configure and release: about 0.5 ms less
 * per layer here); older kernels refuse a file with ENOTBLK, and then every
 * erofs image of this process goes through a loop device, as squashfs always
 * does. */
#include "imagetool/backend/layer_image.h"

#include <errno.h>
#include <stdbool.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"
#include "imagetool/backend/loop.h"

/* Direct I/O on the loop device: the image's pages are cached once (by
 * the file system) instead of twice; see specs/bundle.md for the
 * measurements. */
#define LOOP_DIRECT_IO false

static bool erofs_no_files; /* the kernel said ENOTBLK once (atomic: layers convert in parallel) */

/* -1 with errno set, for the caller to word. */
static int fs_mount(const char *fstype, const char *source)
{
    CLEANUP_CLOSE int fsfd = fsopen(fstype, FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return -1;
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", source, 0) < 0 ||
        fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 || fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    return fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
}

static int loop_mount(const char *fstype, const char *image, struct error **err)
{
    CLEANUP_FREE char *dev = NULL;
    CLEANUP_CLOSE int loop = loop_open_shared(image, &dev);
    if (loop < 0) {
        loop = loop_attach(image, LOOP_DIRECT_IO, &dev, err);
        if (loop < 0)
            return -1;
        loop_note_attached(image, dev);
    }
    int mfd = fs_mount(fstype, dev);
    return mfd < 0 ? error_set(err, errno, "mount %s %s (%s)", fstype, image, dev) : mfd;
}

static bool is_erofs(const char *image)
{
    size_t n = strlen(image), s = strlen("." EROFS_SUFFIX);
    return n > s && strcmp(image + n - s, "." EROFS_SUFFIX) == 0;
}

int layer_image_mount(const char *image, struct error **err)
{
    if (!is_erofs(image))
        return loop_mount(SQUASHFS_SUFFIX, image, err);
    if (!__atomic_load_n(&erofs_no_files, __ATOMIC_RELAXED)) {
        int mfd = fs_mount(EROFS_SUFFIX, image);
        if (mfd >= 0)
            return mfd;
        if (errno != ENOTBLK)
            return error_set(err, errno, "mount erofs %s", image);
        __atomic_store_n(&erofs_no_files, true, __ATOMIC_RELAXED);
    }
    return loop_mount(EROFS_SUFFIX, image, err);
}
