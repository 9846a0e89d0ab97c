/* Making the prepared rootfs the process's "/". */
#ifndef RUNTIME_ROOTFS_PIVOT_H
#define RUNTIME_ROOTFS_PIVOT_H

#include "common/error.h"

/* pivot_root(".", ".") in the rootfs, then detach the old root stacked
 * beneath it: no directory for the old root is needed in the rootfs. */
int rootfs_pivot(const char *rootfs, struct error **err);
/* --no-pivot: hide the host's proc and sysfs mounts, move the rootfs onto
 * "/" and chroot into it (for rootfs on ramfs, where pivot_root fails). */
int rootfs_chroot(const char *rootfs, struct error **err);

#endif
