/* Sharing a loop device: a layer image another bundle has mounted is read
 * through the same device, so the new mount reuses that device's squashfs
 * superblock (one page cache per layer, no new device or superblock). The
 * device a file was last attached to is noted on the file (an xattr only
 * root may set; scanning /sys/block costs a millisecond per few hundred
 * devices) and checked through an open fd, which also keeps autoclear from
 * detaching the device until the new mount holds it. */
#include "imagetool/backend/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

#define LOOP_HINT_XATTR "trusted.imagetool.loop"

/* The device reads exactly the file st names, from its start, read-only. */
static bool reads_file(int fd, const struct stat *st)
{
    struct loop_info64 info;
    if (ioctl(fd, LOOP_GET_STATUS64, &info) < 0)
        return false;
    return info.lo_device == st->st_dev && info.lo_inode == st->st_ino && info.lo_offset == 0 &&
           info.lo_sizelimit == 0 && (info.lo_flags & LO_FLAGS_READ_ONLY) && (info.lo_flags & LO_FLAGS_AUTOCLEAR);
}

int loop_open_shared(const char *path, char **dev)
{
    char hint[16];
    ssize_t n = getxattr(path, LOOP_HINT_XATTR, hint, sizeof(hint) - 1);
    if (n <= 0)
        return -1;
    hint[n] = '\0';
    unsigned number;
    char end;
    struct stat st;
    if (sscanf(hint, "%u%c", &number, &end) != 1 || stat(path, &st) < 0)
        return -1;
    CLEANUP_FREE char *name = xasprintf("/dev/loop%u", number);
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    if (!reads_file(fd, &st)) {
        close(fd);
        return -1;
    }
    *dev = TAKE_PTR(name);
    return fd;
}

void loop_note_attached(const char *path, const char *dev)
{
    unsigned number;
    if (sscanf(dev, "/dev/loop%u", &number) != 1)
        return;
    char hint[16];
    int len = snprintf(hint, sizeof(hint), "%u", number);
    /* a file system without xattrs only loses the sharing */
    (void)setxattr(path, LOOP_HINT_XATTR, hint, (size_t)len, 0);
}
