/* The layers below the one a layer cache is making, as one read-only tree
 * (layer.h's struct layer_below): a detached overlay of the cached layer
 * dirs or of the loop-mounted layer images, made only when an entry needs
 * it. */
#ifndef IMAGETOOL_BACKEND_BELOW_VIEW_H
#define IMAGETOOL_BACKEND_BELOW_VIEW_H

#include <stdbool.h>
#include <stddef.h>

#include "imagetool/backend/layer_mounts.h"
#include "imagetool/layer/layer.h"

struct below_view {
    struct layer_below base;
    char *const *lower; /* bottom first: layer dirs, or images when images */
    bool images;
    int root;           /* -1 until made */
    struct layer_mounts mounts; /* the images' mounts */
};

/* lower (bottom first) must outlive the view; NULL or empty: no view. */
struct layer_below *below_view_init(struct below_view *v, char *const *lower, bool images);
void below_view_clear(struct below_view *v);

#endif
