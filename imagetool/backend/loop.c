/* Loop devices: LOOP_CTL_GET_FREE, then LOOP_CONFIGURE (Linux 5.8+) sets the
 * backing file and flags at once; another process may take the same free
 * device first (EBUSY), then the next free one is asked for. */
#include "imagetool/backend/loop.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/loop.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

#define ATTACH_ATTEMPTS 32
#define TAKEN (-2) /* another process configured the device first */

static int configure(int ctl, int backing, const char *path, bool direct_io, char **dev, struct error **err)
{
    int n = ioctl(ctl, LOOP_CTL_GET_FREE);
    if (n < 0)
        return error_set(err, errno, "find a free loop device");
    CLEANUP_FREE char *name = xasprintf("/dev/loop%d", n);
    int fd = open(name, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", name);
    struct loop_config cfg = { .fd = (unsigned)backing };
    cfg.info.lo_flags = LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR | (direct_io ? LO_FLAGS_DIRECT_IO : 0);
    snprintf((char *)cfg.info.lo_file_name, sizeof(cfg.info.lo_file_name), "%s", path);
    if (ioctl(fd, LOOP_CONFIGURE, &cfg) < 0) {
        int e = errno;
        close(fd);
        if (e == EBUSY)
            return TAKEN;
        return error_set(err, e, "LOOP_CONFIGURE %s for %s", name, path);
    }
    *dev = TAKE_PTR(name);
    return fd;
}

int loop_attach(const char *path, bool direct_io, char **dev, struct error **err)
{
    CLEANUP_CLOSE int backing = open(path, O_RDONLY | O_CLOEXEC | (direct_io ? O_DIRECT : 0));
    if (backing < 0)
        return error_set(err, errno, "open %s", path);
    CLEANUP_CLOSE int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
    if (ctl < 0)
        return error_set(err, errno, "open /dev/loop-control");
    for (int i = 0; i < ATTACH_ATTEMPTS; i++) {
        int fd = configure(ctl, backing, path, direct_io, dev, err);
        if (fd != TAKEN)
            return fd;
    }
    return error_setc(err, EXIT_STATE, EBUSY, "no free loop device for %s", path);
}

/* fsopen loads the file system's module if it is one, and fails with
 * ENODEV when the kernel has no such file system. */
static bool has_fs(const char *name)
{
    int fd = fsopen(name, FSOPEN_CLOEXEC);
    if (fd < 0)
        return false;
    close(fd);
    return true;
}

/* uid_map "0 0 4294967295": no user namespace above us. */
static bool initial_userns(void)
{
    CLEANUP_FCLOSE FILE *f = fopen("/proc/self/uid_map", "re");
    unsigned long inside, outside, count;
    return f && fscanf(f, "%lu %lu %lu", &inside, &outside, &count) == 3 && inside == 0 && outside == 0 &&
           count == 4294967295ul;
}

bool overlay_available(void)
{
    return has_fs("overlay");
}

bool loop_available(const char *fs)
{
    const char *no = getenv("IMAGETOOL_NO_LOOP");
    if (no && *no && strcmp(no, "0") != 0)
        return false;
    return initial_userns() && access("/dev/loop-control", R_OK | W_OK) == 0 && has_fs(fs) && has_fs("overlay");
}
