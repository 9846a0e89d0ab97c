/* Rootfs backends, like the Mesos provisioner's: copy materialises a private
 * rootfs under BUNDLE/rootfs; overlay mounts the store's cached layers as
 * lowerdirs with upper and work dirs inside the bundle. The backend that
 * made a bundle is recorded in it (BUNDLE/.imagetool.json) so umount and
 * rm-bundle know what to undo. */
#ifndef IMAGETOOL_BACKEND_H
#define IMAGETOOL_BACKEND_H

#include "common/error.h"
#include "common/spec.h"
#include "imagetool/backend/layer_chain.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

#define BUNDLE_RECORD ".imagetool.json"
#define BUNDLE_ROOTFS "rootfs"
#define OVERLAY_DIR ".overlay"

struct backend {
    const char *name;
    /* Make BUNDLE/rootfs (which does not exist yet) from the image's layers.
     * On failure no mount is left; the caller removes the files. */
    int (*create)(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                  struct error **err);
    /* Undo what create mounted; an unmounted bundle is fine. */
    int (*release)(const char *bundle, struct error **err);
    /* Mount again what create mounted (after umount or a reboot); a rootfs
     * mounted already is EXIT_STATE. NULL: the backend mounts nothing. */
    int (*mount)(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                 struct error **err);
    /* For a rootfs the runtime mounts (a user's overlay), optional: an fd
     * of the image's merged tree to read /etc/passwd and the like from
     * (NULL: BUNDLE/rootfs), and what config.json needs to mount it. */
    int (*open_view)(const char *bundle, struct error **err);
    int (*add_to_config)(const char *bundle, struct spec *s, struct error **err);
    /* Optional: make the store's cache of the image's layers, bottom first,
     * asking wait before each (layer_chain.h): the pull pipeline's work. */
    int (*prepare)(struct store *s, const struct manifest *m, const struct image_config *c, layer_wait_fn wait,
                   void *ctx, struct error **err);
};

extern const struct backend backend_copy;
extern const struct backend backend_overlay;
extern const struct backend backend_overlay_user; /* "overlay" for an ordinary user */
extern const struct backend backend_squashfs;
extern const struct backend backend_erofs;

/* "copy", "overlay", "squashfs" or "erofs"; anything else is EXIT_USAGE.
 * Not root, "overlay" is the form the runtime mounts (overlay_user.c). */
int backend_find(const char *name, const struct backend **out, struct error **err);

/* The fastest backend this host supports: erofs (loop devices, erofs and
 * overlayfs, initial user namespace), else squashfs (the same with
 * squashfs), else overlay, else copy. A fallback says so in one info line. */
const struct backend *backend_default(void);

/* Layer i's diff_id, after checking the config lists one per layer. */
int backend_check_layers(const struct manifest *m, const struct image_config *c, struct error **err);

/* The record: {"backend": NAME, "image": MANIFEST_DIGEST}; not fsync'ed:
 * unpack makes the bundle durable at its end (bundle_sync). */
int bundle_record_write(const char *bundle, const char *backend, const char *image_digest, struct error **err);
/* A missing record is EXIT_NOTFOUND ("not a bundle made by imagetool"). */
int bundle_record_read(const char *bundle, const struct backend **out, struct error **err);
/* The record's image digest (caller frees). */
int bundle_record_image(const char *bundle, char **digest, struct error **err);

#endif
