/* An image's layers made once each in the store's cache, bottom first, each
 * with the view of the ones below it: directories (the overlay backends) or
 * squashfs or erofs images (the layer-image backends). Shared by bundle creation and
 * by the pull pipeline, which makes them while later layers download. */
#ifndef IMAGETOOL_BACKEND_LAYER_CHAIN_H
#define IMAGETOOL_BACKEND_LAYER_CHAIN_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

enum layer_form { LAYER_DIR, LAYER_SQUASHFS, LAYER_EROFS };

/* Asked before layer i is made: false stops the walk. */
typedef bool (*layer_wait_fn)(void *ctx, size_t layer);

/* The paths appended to *bottom_first; 0 when every layer is made, 1 when
 * wait stopped it, -1 with *err naming the layer. wait may be NULL. */
int layer_chain_ensure(struct store *s, const struct manifest *m, const struct image_config *c, enum layer_form form,
                       layer_wait_fn wait, void *ctx, char ***bottom_first, struct error **err);

#endif
