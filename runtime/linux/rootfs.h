/* The container's file system view, built inside its new mount namespace by
 * the init process: rootfs propagation, bind of the rootfs onto itself,
 * config mounts (targets created and opened safely beneath the rootfs),
 * /dev with default and configured devices and the standard symlinks,
 * pivot_root (or chroot with --no-pivot), masked and read-only paths,
 * root.readonly (sysctls: sysctl.h). */
#ifndef RUNTIME_ROOTFS_H
#define RUNTIME_ROOTFS_H

#include <stdbool.h>

#include "common/error.h"
#include "common/spec.h"

struct rootfs_opts {
    const char *rootfs;  /* absolute path of root.path on the host */
    bool no_pivot;       /* --no-pivot: chroot instead of pivot_root */
    bool new_userns;     /* devices are bind-mounted, not mknod'ed, in a user namespace */
    /* Called once the mounts and /dev are made, before pivot_root (hooks). */
    int (*before_pivot)(void *ctx, struct error **err);
    void *ctx;
};

/* Everything up to and including pivot_root; masked/readonly paths and
 * root.readonly follow with rootfs_finish. Both run in the init process. */
int rootfs_setup(const struct spec *s, const struct rootfs_opts *o, struct error **err);
/* Everything rootfs_setup will need from config.json, checked in the
 * parent before anything exists: rootfsPropagation, devices, mounts. */
int rootfs_validate(const struct spec *s, struct error **err);
int rootfs_finish(const struct spec *s, struct error **err);

#endif
