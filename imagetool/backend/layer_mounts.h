/* Layer images mounted for an overlay (a bundle's, or the view of the layers
 * below one being converted): each detached and read-only. One after the
 * other: mounting them from several threads at once was slower (1.2 ms more
 * for four layers), the kernel serialises the superblocks' creation. */
#ifndef IMAGETOOL_BACKEND_LAYER_MOUNTS_H
#define IMAGETOOL_BACKEND_LAYER_MOUNTS_H

#include <stddef.h>

#include "common/error.h"

struct layer_mounts {
    int *fd;
    size_t n;
};

/* Mount every image (layer_image_mount) and append /proc/self/fd/N of
 * each, in the order given, to lower. On error none stays mounted. */
int layer_mounts_open(char **images, struct layer_mounts *lm, char ***lower, struct error **err);
void layer_mounts_clear(struct layer_mounts *lm);

#endif
