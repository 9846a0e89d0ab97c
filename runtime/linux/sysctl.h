/* linux.sysctl: keys checked in the parent before anything exists, values
 * written by the init beneath the container's /proc/sys. */
#ifndef RUNTIME_SYSCTL_H
#define RUNTIME_SYSCTL_H

#include "common/error.h"
#include "common/spec.h"

/* Every key: no empty, "." or ".." component (dotted or slashed form), and
 * isolated by a namespace the container has (runc's allow-list). Exit 3. */
int sysctl_validate(const struct spec *s, struct error **err);
/* Write the values under /proc/sys (after rootfs_setup), each file opened
 * beneath /proc/sys (openat2 RESOLVE_BENEATH, no symlinks). */
int sysctl_apply(const struct spec *s, struct error **err);

#endif
