/* The pull pipeline of unpack: while a registry import downloads an image's
 * blobs, a worker thread makes the backend's layer cache (squashfs images or
 * layer dirs), bottom first, each layer as soon as its blob is in the store
 * and the layer below is made. Only a head start: whatever it did not get to
 * (or failed at) the backend's create does afterwards, and reports. */
#ifndef IMAGETOOL_BACKEND_LAYER_PIPELINE_H
#define IMAGETOOL_BACKEND_LAYER_PIPELINE_H

#include "imagetool/backend/backend.h"
#include "imagetool/source.h"

struct layer_pipeline;

/* NULL when the backend has nothing to prepare (b->prepare is NULL). */
struct layer_pipeline *layer_pipeline_new(struct store *s, const struct backend *b);
/* What the import tells (import_opts.watch); NULL for a NULL pipeline. */
const struct import_watch *layer_pipeline_watch(struct layer_pipeline *lp);
/* After the import: the worker makes what it can with the blobs that are
 * in the store, then is joined; everything is freed. */
void layer_pipeline_end(struct layer_pipeline *lp);

#endif
