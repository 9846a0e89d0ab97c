/* Mounting an overlay with any number of lower dirs. */
#ifndef IMAGETOOL_BACKEND_OVERLAY_MOUNT_H
#define IMAGETOOL_BACKEND_OVERLAY_MOUNT_H

#include "common/error.h"

struct overlay_dirs {
    char **lower; /* top first */
    char *upper, *work, *rootfs;
};

/* The new mount API passes each lower dir on its own ("lowerdir+", Linux
 * 6.8+), so the count is not bounded by mount(2)'s one-page option string;
 * older kernels get mount(2). */
int overlay_mount(const struct overlay_dirs *d, struct error **err);
void overlay_dirs_clear(struct overlay_dirs *d);

#endif
