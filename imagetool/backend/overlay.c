/* The overlay backend: each layer extracted once into the store's layer
 * cache, then BUNDLE/rootfs = overlay(lower = cached layers, top first;
 * upper and work = BUNDLE/.overlay/{upper,work}). A second bundle of the
 * same image costs a mount, whatever the image's size. */
#include <errno.h>
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
#include "imagetool/backend/overlay_mount.h"

static int make_dirs(const char *bundle, struct overlay_dirs *d, struct error **err)
{
    d->rootfs = path_join(bundle, BUNDLE_ROOTFS);
    CLEANUP_FREE char *base = path_join(bundle, OVERLAY_DIR);
    d->upper = path_join(base, "upper");
    d->work = path_join(base, "work");
    const char *const dirs[] = { base, d->upper, d->work, d->rootfs };
    for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
        if (mkdir(dirs[i], 0755) < 0)
            return error_set(err, errno, "mkdir %s", dirs[i]);
    return 0;
}

/* Lower dirs, top layer first; an image without layers gets one empty dir. */
static int lower_dirs(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                      char ***out, struct error **err)
{
    for (size_t i = m->n_layers; i-- > 0;) {
        CLEANUP_FREE char *dir = NULL;
        if (store_layer_ensure(s, m->layers[i].digest, c->diff_ids[i], &dir, err) < 0)
            return error_prefix(err, "layer %zu (%s)", i + 1, m->layers[i].digest);
        strv_append(out, dir);
    }
    if (m->n_layers == 0) {
        CLEANUP_FREE char *empty = xasprintf("%s/%s/empty", bundle, OVERLAY_DIR);
        if (mkdir(empty, 0755) < 0)
            return error_set(err, errno, "mkdir %s", empty);
        strv_append(out, empty);
    }
    return 0;
}

static int overlay_create(struct store *s, const struct manifest *m, const struct image_config *c,
                          const char *bundle, struct error **err)
{
    if (backend_check_layers(m, c, err) < 0)
        return -1;
    struct overlay_dirs d = { 0 };
    int r = make_dirs(bundle, &d, err);
    if (r == 0)
        r = lower_dirs(s, m, c, bundle, &d.lower, err);
    if (r == 0)
        r = overlay_mount(&d, err);
    overlay_dirs_clear(&d);
    return r;
}

static int overlay_release(const char *bundle, struct error **err)
{
    CLEANUP_FREE char *rootfs = path_join(bundle, BUNDLE_ROOTFS);
    if (umount2(rootfs, UMOUNT_NOFOLLOW) == 0 || errno == EINVAL || errno == ENOENT)
        return 0;
    if (errno == EBUSY)
        return error_setc(err, EXIT_STATE, errno, "umount %s (a container still uses it?)", rootfs);
    return error_set(err, errno, "umount %s", rootfs);
}

const struct backend backend_overlay = {
    .name = "overlay",
    .create = overlay_create,
    .release = overlay_release,
};
