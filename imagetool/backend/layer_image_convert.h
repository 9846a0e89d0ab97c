/* Converting a layer blob into one read-only filesystem image: the tar walk
 * (layer_image_convert.c) is shared; the image format is a writer behind
 * struct image_format (squashfs_write.c, erofs_write.c). */
#ifndef IMAGETOOL_BACKEND_LAYER_IMAGE_CONVERT_H
#define IMAGETOOL_BACKEND_LAYER_IMAGE_CONVERT_H

#include <stddef.h>

#include "common/error.h"
#include "imagetool/backend/layer_image_tree.h"
#include "imagetool/layer/layer.h"

struct image_format {
    /* path is created (or truncated); *w is set even on failure (free it) */
    int (*open)(const char *path, void **w, struct error **err);
    /* one regular file's contents, between begin and end */
    int (*file_begin)(void *w, struct sq_inode *ino, struct error **err);
    int (*file_append)(void *w, const void *buf, size_t len, struct error **err);
    int (*file_end)(void *w, struct error **err);
    /* all data is in: write the tree and the superblock */
    int (*finish)(void *w, struct sq_tree *t, struct error **err);
    void (*free)(void *w);
    void (*free_file)(struct sqfs_inode_generic_t *); /* NULL: files hold nothing */
};

extern const struct image_format image_format_squashfs, image_format_erofs;

/* Read the layer blob once (any compression), check its diff_id (may be
 * NULL) and write the image at path; parents resolve against the layers
 * below (NULL: none), layer.h. */
int layer_image_from_layer(const struct image_format *f, int blob_fd, const char *diff_id,
                           struct layer_below *below, const char *path, struct error **err);

#endif
