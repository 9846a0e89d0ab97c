/* The layer-image backend: each layer converted once into a squashfs image
 * in the store (images/<diff_id hex>.squashfs), then for a bundle every
 * image is attached read-only to a loop device and mounted detached (a mount
 * fd, attached nowhere), and BUNDLE/rootfs = overlay(lower = those mounts,
 * top first; upper and work in BUNDLE/.overlay). The overlay holds the only
 * references to the layer mounts, so unmounting rootfs releases them and
 * autoclear releases their loop devices: nothing else to undo. */
#include "imagetool/backend/squashfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/backend.h"
#include "imagetool/backend/layer_chain.h"
#include "imagetool/backend/layer_mounts.h"
#include "imagetool/backend/loop.h"
#include "imagetool/backend/overlay_mount.h"

/* Direct I/O on the loop device: the image's pages are cached once (by
 * squashfs) instead of twice; see specs/bundle.md for the measurements. */
#define LOOP_DIRECT_IO false

int squashfs_mount_image(const char *image, struct error **err)
{
    CLEANUP_FREE char *dev = NULL;
    CLEANUP_CLOSE int loop = loop_open_shared(image, &dev);
    if (loop < 0) {
        loop = loop_attach(image, LOOP_DIRECT_IO, &dev, err);
        if (loop < 0)
            return -1;
        loop_note_attached(image, dev);
    }
    CLEANUP_CLOSE int fsfd = fsopen("squashfs", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return error_set(err, errno, "fsopen squashfs");
    if (fsconfig(fsfd, FSCONFIG_SET_STRING, "source", dev, 0) < 0 ||
        fsconfig(fsfd, FSCONFIG_SET_FLAG, "ro", NULL, 0) < 0 || fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return error_set(err, errno, "mount %s (%s)", image, dev);
    int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
    if (mfd < 0)
        return error_set(err, errno, "fsmount %s", image);
    return mfd;
}

/* The images, top first. */
static int layer_images(struct store *s, const struct manifest *m, const struct image_config *c, char ***images,
                        struct error **err)
{
    CLEANUP_STRV char **bottom_first = NULL;
    if (layer_chain_ensure(s, m, c, LAYER_SQUASHFS, NULL, NULL, &bottom_first, err) < 0)
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

/* create (fresh) or mount again over the bundle's own upper dir */
static int squashfs_setup(struct store *s, const struct manifest *m, const struct image_config *c,
                          const char *bundle, bool fresh, struct error **err)
{
    if (backend_check_layers(m, c, err) < 0)
        return -1;
    CLEANUP_STRV char **images = NULL;
    struct overlay_dirs d = { 0 };
    struct layer_mounts lm = { 0 };
    int r = layer_images(s, m, c, &images, err);
    if (r == 0)
        r = overlay_dirs_setup(bundle, fresh, &d, err);
    if (r == 0)
        r = m->n_layers ? layer_mounts_open(images, &lm, &d.lower, err) : empty_lower(bundle, &d.lower, err);
    if (r == 0)
        r = overlay_mount(&d, err);
    layer_mounts_clear(&lm); /* the overlay keeps what it needs */
    overlay_dirs_clear(&d);
    return r;
}

static int squashfs_create(struct store *s, const struct manifest *m, const struct image_config *c,
                           const char *bundle, struct error **err)
{
    return squashfs_setup(s, m, c, bundle, true, err);
}

static int squashfs_remount(struct store *s, const struct manifest *m, const struct image_config *c,
                            const char *bundle, struct error **err)
{
    return squashfs_setup(s, m, c, bundle, false, err);
}

static int squashfs_prepare(struct store *s, const struct manifest *m, const struct image_config *c,
                            layer_wait_fn wait, void *ctx, struct error **err)
{
    CLEANUP_STRV char **made = NULL;
    return layer_chain_ensure(s, m, c, LAYER_SQUASHFS, wait, ctx, &made, err) < 0 ? -1 : 0;
}

const struct backend backend_squashfs = {
    .name = "squashfs",
    .create = squashfs_create,
    .release = overlay_unmount,
    .mount = squashfs_remount,
    .prepare = squashfs_prepare,
};
