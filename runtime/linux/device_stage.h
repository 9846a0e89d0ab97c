/* linux.devices of a container with a user namespace, made by the host's
 * root: mknod is refused in any user namespace but the initial one, and a
 * tmpfs mounted from one cannot hold usable nodes. The parent makes each
 * configured node, with its mode and its owner mapped to host ids, in a
 * detached tmpfs of its own and hands the mount to the init, which clones
 * each node onto its place. (runc binds the host's node instead, with the
 * host's owner and mode, and fails where the host has none.) */
#ifndef RUNTIME_LINUX_DEVICE_STAGE_H
#define RUNTIME_LINUX_DEVICE_STAGE_H

#include <stddef.h>

#include "common/error.h"
#include "common/spec.h"
#include "runtime/linux/mounts.h"

/* Parent, root, while the init waits for SYNC_GO: one SYNC_DEVICE_STAGE
 * with the staging mount, when the config has devices. */
int device_stage_send(const struct spec *s, int sync_fd, struct error **err);

/* Init: keep the staging mount; with one kept, clone node i of
 * linux.devices for each, then drop the staging mount. The result has one
 * detached mount per device (-1 where none), for device_stage_place. */
void device_stage_keep(int fd);
int device_stage_clone(const struct mount_ctx *c, size_t n, int *clones, struct error **err);
/* Onto the target of device d (made beneath the rootfs); closes clone. */
int device_stage_place(const struct mount_ctx *c, const struct spec_device *d, int clone, struct error **err);

#endif
