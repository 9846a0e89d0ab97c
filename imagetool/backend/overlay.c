/* The overlay backend: each layer extracted once into the store's layer
 * cache, then BUNDLE/rootfs = overlay(lower = cached layers, top first;
 * upper and work = BUNDLE/.overlay/{upper,work}). A second bundle of the
 * same image costs a mount, whatever the image's size. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/backend.h"
#include "imagetool/backend/layer_chain.h"
#include "imagetool/backend/overlay_mount.h"

int overlay_lower_dirs(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                      char ***out, struct error **err)
{
    CLEANUP_STRV char **bottom_first = NULL;
    if (layer_chain_ensure(s, m, c, LAYER_DIR, NULL, NULL, &bottom_first, err) < 0)
        return -1;
    for (size_t i = m->n_layers; i-- > 0;)
        strv_append(out, bottom_first[i]);
    if (m->n_layers == 0) {
        CLEANUP_FREE char *empty = xasprintf("%s/%s/empty", bundle, OVERLAY_DIR);
        if (mkdir(empty, 0755) < 0 && errno != EEXIST)
            return error_set(err, errno, "mkdir %s", empty);
        strv_append(out, empty);
    }
    return 0;
}

/* create (fresh) or mount again over the bundle's own upper dir */
static int overlay_setup(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                         bool fresh, struct error **err)
{
    if (backend_check_layers(m, c, err) < 0)
        return -1;
    struct overlay_dirs d = { 0 };
    int r = overlay_dirs_setup(bundle, fresh, &d, err);
    if (r == 0)
        r = overlay_lower_dirs(s, m, c, bundle, &d.lower, err);
    if (r == 0)
        r = overlay_mount(&d, err);
    overlay_dirs_clear(&d);
    return r;
}

static int overlay_create(struct store *s, const struct manifest *m, const struct image_config *c,
                          const char *bundle, struct error **err)
{
    return overlay_setup(s, m, c, bundle, true, err);
}

static int overlay_remount(struct store *s, const struct manifest *m, const struct image_config *c,
                           const char *bundle, struct error **err)
{
    return overlay_setup(s, m, c, bundle, false, err);
}

const struct backend backend_overlay = {
    .name = "overlay",
    .create = overlay_create,
    .release = overlay_unmount,
    .mount = overlay_remount,
    /* no prepare: extracting a layer dir sets the process's umask, which a
     * pull on the other thread must not see */
};
