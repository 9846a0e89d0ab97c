/* Placeholder until the rootfs work lands: a bare chroot. */
#include "rootfs.h"

#include <errno.h>
#include <unistd.h>

int rootfs_setup(const struct spec *s, const struct rootfs_opts *o, struct error **err)
{
    (void)s;
    if (chroot(o->rootfs) < 0 || chdir("/") < 0)
        return error_set(err, errno, "chroot %s", o->rootfs);
    return 0;
}

int rootfs_finish(const struct spec *s, struct error **err)
{
    (void)s, (void)err;
    return 0;
}

int sysctl_apply(const struct spec *s, struct error **err)
{
    (void)s, (void)err;
    return 0;
}
