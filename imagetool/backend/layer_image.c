/* The layer-image backends, erofs and squashfs: each layer converted once
 * into an image in the store (images/<chain_id hex>.erofs or .squashfs),
 * then for a bundle every image is mounted read-only and detached (a mount
 * fd, attached nowhere; layer_image_mount.c), and BUNDLE/rootfs =
 * overlay(lower = those mounts, top first; upper and work in
 * BUNDLE/.overlay). The overlay holds the only references to the layer
 * mounts, so unmounting rootfs releases them (and autoclear any loop
 * devices): nothing else to undo. An erofs image mounted from its file has
 * no loop device for gc to see: the bundle pins it (pin_images). */
#include <errno.h>
#include <stdbool.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/backend.h"
#include "imagetool/backend/layer_chain.h"
#include "imagetool/backend/layer_mounts.h"
#include "imagetool/backend/overlay_mount.h"

/* The images, top first. */
static int layer_images(struct store *s, const struct manifest *m, const struct image_config *c,
                        enum layer_form form, char ***images, struct error **err)
{
    CLEANUP_STRV char **bottom_first = NULL;
    if (layer_chain_ensure(s, m, c, form, NULL, NULL, &bottom_first, err) < 0)
        return -1;
    for (size_t i = m->n_layers; i-- > 0;)
        strv_append(images, bottom_first[i]);
    return 0;
}

static int empty_lower(const char *bundle, char ***lower, struct error **err)
{
    CLEANUP_FREE char *empty = xasprintf("%s/%s/empty", bundle, OVERLAY_DIR);
    if (mkdir(empty, 0755) < 0 && errno != EEXIST)
        return error_set(err, errno, "mkdir %s", empty);
    strv_append(lower, empty);
    return 0;
}

/* gc must see that the bundle uses its images, which an erofs mount from
 * a file does not show: a hard link to each in BUNDLE/.overlay/images (gc
 * keeps an image with more than one link; removing the bundle removes
 * them), or, where the bundle is on another file system, a ref in the
 * store. Relinked on every mount: the image may be a new file since. */
static int pin_images(struct store *s, const char *bundle, char **images, struct error **err)
{
    CLEANUP_FREE char *dir = xasprintf("%s/%s/images", bundle, OVERLAY_DIR);
    if (mkdir(dir, 0700) < 0 && errno != EEXIST)
        return error_set(err, errno, "mkdir %s", dir);
    for (size_t i = 0; images[i]; i++) {
        CLEANUP_FREE char *pin = xasprintf("%s/%zu", dir, i);
        (void)unlink(pin);
        if (link(images[i], pin) == 0)
            continue;
        if (errno == EXDEV)
            return store_bundle_ref_add(s, bundle, BUNDLE_RECORD, images, false, err);
        return error_set(err, errno, "link %s to %s", pin, images[i]);
    }
    return 0;
}

/* create (fresh) or mount again over the bundle's own upper dir */
static int setup(enum layer_form form, struct store *s, const struct manifest *m, const struct image_config *c,
                 const char *bundle, bool fresh, struct error **err)
{
    if (backend_check_layers(m, c, err) < 0)
        return -1;
    CLEANUP_STRV char **images = NULL;
    struct overlay_dirs d = { 0 };
    struct layer_mounts lm = { 0 };
    int r = layer_images(s, m, c, form, &images, err);
    if (r == 0)
        r = overlay_dirs_setup(bundle, fresh, &d, err);
    if (r == 0)
        r = m->n_layers ? layer_mounts_open(images, &lm, &d.lower, err) : empty_lower(bundle, &d.lower, err);
    if (r == 0 && form == LAYER_EROFS && m->n_layers)
        r = pin_images(s, bundle, images, err);
    if (r == 0)
        r = overlay_mount_layers(&d, lm.fd, lm.n, err);
    layer_mounts_clear(&lm); /* the overlay keeps what it needs */
    overlay_dirs_clear(&d);
    return r;
}

static int prepare(enum layer_form form, struct store *s, const struct manifest *m, const struct image_config *c,
                   layer_wait_fn wait, void *ctx, struct error **err)
{
    CLEANUP_STRV char **made = NULL;
    return layer_chain_ensure(s, m, c, form, wait, ctx, &made, err) < 0 ? -1 : 0;
}

static int erofs_create(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                        struct error **err)
{
    return setup(LAYER_EROFS, s, m, c, bundle, true, err);
}

static int erofs_remount(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                         struct error **err)
{
    return setup(LAYER_EROFS, s, m, c, bundle, false, err);
}

static int erofs_prepare(struct store *s, const struct manifest *m, const struct image_config *c, layer_wait_fn wait,
                         void *ctx, struct error **err)
{
    return prepare(LAYER_EROFS, s, m, c, wait, ctx, err);
}

static int squashfs_create(struct store *s, const struct manifest *m, const struct image_config *c,
                           const char *bundle, struct error **err)
{
    return setup(LAYER_SQUASHFS, s, m, c, bundle, true, err);
}

static int squashfs_remount(struct store *s, const struct manifest *m, const struct image_config *c,
                            const char *bundle, struct error **err)
{
    return setup(LAYER_SQUASHFS, s, m, c, bundle, false, err);
}

static int squashfs_prepare(struct store *s, const struct manifest *m, const struct image_config *c,
                            layer_wait_fn wait, void *ctx, struct error **err)
{
    return prepare(LAYER_SQUASHFS, s, m, c, wait, ctx, err);
}

const struct backend backend_erofs = {
    .name = "erofs",
    .create = erofs_create,
    .release = overlay_unmount,
    .mount = erofs_remount,
    .prepare = erofs_prepare,
};

const struct backend backend_squashfs = {
    .name = "squashfs",
    .create = squashfs_create,
    .release = overlay_unmount,
    .mount = squashfs_remount,
    .prepare = squashfs_prepare,
};
