/* /dev inside the container: the default devices plus linux.devices (mknod,
 * or bind mounts of the host's nodes in a user namespace), /dev/ptmx and the
 * standard symlinks. All created beneath the rootfs through safe fds. */
#ifndef RUNTIME_DEVICES_H
#define RUNTIME_DEVICES_H

#include <stdbool.h>

#include "common/error.h"
#include "common/spec.h"
#include "mounts.h"

/* runc's rule: /dev is populated unless config.json bind-mounts /dev. */
bool devices_needed(const struct spec *s);
/* Paths beneath /dev and known types, checked in the parent (exit 3). */
int devices_validate(const struct spec *s, struct error **err);
/* Default devices (null zero full random urandom tty) and linux.devices. */
int devices_create(const struct mount_ctx *c, const struct spec *s, struct error **err);
/* /dev/ptmx -> pts/ptmx, /dev/fd, stdin, stdout, stderr, and /dev/core when
 * the kernel has /proc/kcore. */
int devices_symlinks(const struct mount_ctx *c, struct error **err);

#endif
