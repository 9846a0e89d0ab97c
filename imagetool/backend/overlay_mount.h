/* Mounting an overlay with any number of lower dirs. */
#ifndef IMAGETOOL_BACKEND_OVERLAY_MOUNT_H
#define IMAGETOOL_BACKEND_OVERLAY_MOUNT_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

struct overlay_dirs {
    char **lower; /* top first */
    char *upper, *work, *rootfs;
};

/* The new mount API passes each lower dir on its own ("lowerdir+", Linux
 * 6.8+), so the count is not bounded by mount(2)'s one-page option string;
 * older kernels get mount(2). */
int overlay_mount(const struct overlay_dirs *d, struct error **err);
/* The same over layer images' detached mounts (d->lower: their
 * /proc/self/fd paths, layer_fds in the same order): a kernel whose
 * overlayfs refuses detached layers gets it made in a child (overlay_child.h). */
int overlay_mount_layers(const struct overlay_dirs *d, const int *layer_fds, size_t n, struct error **err);
void overlay_dirs_clear(struct overlay_dirs *d);
/* BUNDLE/.overlay/{upper,work} and BUNDLE/rootfs, named in d. */
void overlay_dir_names(const char *bundle, struct overlay_dirs *d);
/* The same, made (.overlay 0700; upper, work and rootfs 0755). */
int overlay_make_dirs(const char *bundle, struct overlay_dirs *d, struct error **err);
/* fresh: overlay_make_dirs; else (imagetool mount) the names, and a rootfs
 * mounted already is EXIT_STATE. */
int overlay_dirs_setup(const char *bundle, bool fresh, struct overlay_dirs *d, struct error **err);
/* Unmount BUNDLE/rootfs; not mounted is fine, busy is EXIT_STATE. */
int overlay_unmount(const char *bundle, struct error **err);

/* overlay.c: the store's cached layer dirs (made when missing), top layer
 * first; an image without layers gets one empty dir in BUNDLE/.overlay. */
int overlay_lower_dirs(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                       char ***out, struct error **err);

#endif
