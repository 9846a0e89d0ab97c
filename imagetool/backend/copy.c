/* The copy backend: every layer applied in order to a private BUNDLE/rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "imagetool/backend/backend.h"
#include "imagetool/layer/layer.h"

static int apply_one(struct store *s, const struct descriptor *layer, const char *diff_id, int rootfd,
                     struct layer_rootless *rootless, struct error **err)
{
    CLEANUP_CLOSE int fd = store_blob_open(s, layer->digest, err);
    if (fd < 0)
        return -1;
    return layer_apply_with(fd, rootfd, diff_id, WHITEOUT_APPLY, rootless, err);
}

/* Every layer in order; not root, directory modes that shut the owner out
 * are set once all layers are in (specs/rootless.md). */
static int apply_all(struct store *s, const struct manifest *m, const struct image_config *c, int rootfd,
                     struct error **err)
{
    struct layer_rootless *rootless = geteuid() == 0 ? NULL : layer_rootless_new();
    int rc = 0;
    for (size_t i = 0; i < m->n_layers && rc == 0; i++) {
        log_debug("applying layer %zu/%zu %s", i + 1, m->n_layers, m->layers[i].digest);
        rc = apply_one(s, &m->layers[i], c->diff_ids[i], rootfd, rootless, err);
        if (rc < 0)
            error_prefix(err, "layer %zu (%s)", i + 1, m->layers[i].digest);
    }
    if (rc == 0 && rootless)
        rc = layer_rootless_finish(rootless, rootfd, err);
    layer_rootless_free(rootless);
    return rc;
}

static int copy_create(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                       struct error **err)
{
    if (backend_check_layers(m, c, err) < 0)
        return -1;
    CLEANUP_FREE char *rootfs = path_join(bundle, BUNDLE_ROOTFS);
    if (mkdir(rootfs, 0755) < 0)
        return error_set(err, errno, "mkdir %s", rootfs);
    CLEANUP_CLOSE int rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return error_set(err, errno, "open %s", rootfs);
    return apply_all(s, m, c, rootfd, err);
}

static int copy_release(const char *bundle, struct error **err)
{
    (void)bundle, (void)err;
    return 0;
}

const struct backend backend_copy = {
    .name = "copy",
    .create = copy_create,
    .release = copy_release,
};
