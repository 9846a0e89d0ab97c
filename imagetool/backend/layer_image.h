/* The layer-image backends' pieces that others call: converting a layer blob
 * into an image (layer_image_convert.c) and mounting one
 * (layer_image_mount.c). */
#ifndef IMAGETOOL_BACKEND_LAYER_IMAGE_H
#define IMAGETOOL_BACKEND_LAYER_IMAGE_H

#include "common/error.h"
#include "imagetool/layer/layer.h"

#define SQUASHFS_SUFFIX "squashfs"
#define EROFS_SUFFIX "erofs"

/* A detached read-only mount of the image, by its suffix: an erofs image
 * straight from its file where the kernel can (else through a loop device),
 * a squashfs image through a loop device. A loop device that reads the image
 * already (another bundle's) is used again, and with it its superblock. */
int layer_image_mount(const char *image, struct error **err);

/* Read the layer blob once (any compression), check its diff_id (may be
 * NULL) and write the image at path; parents resolve against the layers
 * below (NULL: none), layer.h. */
int squashfs_from_layer(int blob_fd, const char *diff_id, struct layer_below *below, const char *path,
                        struct error **err);
int erofs_from_layer(int blob_fd, const char *diff_id, struct layer_below *below, const char *path,
                     struct error **err);

#endif
