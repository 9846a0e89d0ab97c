/* The copy backend: every layer applied in order to a private BUNDLE/rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "imagetool/backend/backend.h"
#include "imagetool/layer/layer.h"

static int apply_one(struct store *s, const struct descriptor *layer, const char *diff_id, int rootfd,
                     struct error **err)
{
    CLEANUP_CLOSE int fd = store_blob_open(s, layer->digest, err);
    if (fd < 0)
        return -1;
    return layer_apply(fd, rootfd, diff_id, WHITEOUT_APPLY, err);
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
    for (size_t i = 0; i < m->n_layers; i++) {
        log_debug("applying layer %zu/%zu %s", i + 1, m->n_layers, m->layers[i].digest);
        if (apply_one(s, &m->layers[i], c->diff_ids[i], rootfd, err) < 0)
            return error_prefix(err, "layer %zu (%s)", i + 1, m->layers[i].digest);
    }
    return 0;
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
