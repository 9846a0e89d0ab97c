/* The layer-image backend's pieces that others call: converting a layer blob
 * into a squashfs image (squashfs_convert.c), mounting one. */
#ifndef IMAGETOOL_BACKEND_SQUASHFS_H
#define IMAGETOOL_BACKEND_SQUASHFS_H

#include "common/error.h"
#include "imagetool/layer/layer.h"

#define SQUASHFS_SUFFIX "squashfs"

/* A detached read-only squashfs mount of the image on a loop device
 * (autoclear): its fd. A device that reads the image already (another
 * bundle's) is used again, and with it its superblock. */
int squashfs_mount_image(const char *image, struct error **err);
/* Read the layer blob once (any compression), check its diff_id (may be
 * NULL) and write the squashfs image at path; parents resolve against the
 * layers below (NULL: none), layer.h. */
int squashfs_from_layer(int blob_fd, const char *diff_id, struct layer_below *below, const char *path,
                        struct error **err);

#endif
