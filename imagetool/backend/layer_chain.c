#include "imagetool/backend/layer_chain.h"

#include "common/cleanup.h"
#include "common/strv.h"
#include "imagetool/backend/below_view.h"
#include "imagetool/backend/layer_image.h"

static int ensure_one(struct store *s, const struct store_layer *l, enum layer_form form, struct store_made *made,
                      char **path, struct error **err)
{
    if (form == LAYER_SQUASHFS)
        return store_layer_image_ensure(s, l, SQUASHFS_SUFFIX, squashfs_from_layer, made, path, err);
    if (form == LAYER_EROFS)
        return store_layer_image_ensure(s, l, EROFS_SUFFIX, erofs_from_layer, made, path, err);
    return store_layer_ensure(s, l, made, path, err);
}

/* Layers 0..n-1 bottom first, those not cached yet under temp names in made. */
static int walk(struct store *s, const struct manifest *m, const struct image_config *c, enum layer_form form,
                layer_wait_fn wait, void *ctx, struct store_made *made, char ***bottom_first, struct error **err)
{
    CLEANUP_STRV char **chain = image_chain_ids(c->diff_ids);
    for (size_t i = 0; i < m->n_layers; i++) {
        if (wait && !wait(ctx, i))
            return 1;
        CLEANUP_FREE char *path = NULL;
        struct below_view v;
        struct store_layer l = { .blob_digest = m->layers[i].digest, .diff_id = c->diff_ids[i],
                                 .chain_id = chain[i],
                                 .below = below_view_init(&v, *bottom_first, form != LAYER_DIR) };
        int r = ensure_one(s, &l, form, made, &path, err);
        below_view_clear(&v);
        if (r < 0)
            return error_prefix(err, "layer %zu (%s)", i + 1, m->layers[i].digest);
        strv_append(bottom_first, path);
    }
    return 0;
}

int layer_chain_ensure(struct store *s, const struct manifest *m, const struct image_config *c, enum layer_form form,
                       layer_wait_fn wait, void *ctx, char ***bottom_first, struct error **err)
{
    struct store_made made = { 0 };
    int r = walk(s, m, c, form, wait, ctx, &made, bottom_first, err);
    if (r < 0) {
        store_made_abort(&made);
        return -1;
    }
    /* a walk stopped early keeps what it made: each layer is complete */
    return store_made_commit(s, &made, *bottom_first, err) < 0 ? -1 : r;
}
