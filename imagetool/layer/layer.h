/* Applying one layer (a tar, any compression sniffed from magic bytes) to a
 * directory with libarchive: whiteouts, hardlinks, symlinks, devices, owners,
 * modes, mtimes, xattrs; nothing may land outside the directory. */
#ifndef IMAGETOOL_LAYER_H
#define IMAGETOOL_LAYER_H

#include <stdbool.h>

#include "common/error.h"

enum whiteout_mode {
    WHITEOUT_APPLY,   /* delete what .wh.NAME names, empty opaque dirs (copy backend) */
    WHITEOUT_OVERLAY, /* record as overlayfs whiteouts: 0:0 char devices, trusted.overlay.opaque */
};

/* blob_fd: the layer blob. diff_id (may be NULL): sha256 of the uncompressed
 * tar, checked as it streams; a mismatch is EXIT_INVALID. */
int layer_apply(int blob_fd, int target_dirfd, const char *diff_id, enum whiteout_mode mode,
                struct error **err);

/* The merged tree of the layers below the one being extracted into a layer
 * cache (overlay, squashfs backends), so that entry parents resolve as they
 * do when layers are applied in order (copy backend, umoci): a parent the
 * layer does not carry itself and that is a symlink below is followed there
 * (layer/below.c). root returns an fd of that tree's root, made on first
 * use and kept by the owner; -1 with err set. */
struct layer_below {
    int (*root)(struct layer_below *b, struct error **err);
};

/* layer_apply into an empty layer-cache directory (WHITEOUT_OVERLAY) with
 * the layers below it (NULL: none). */
int layer_apply_below(int blob_fd, int target_dirfd, const char *diff_id, struct layer_below *below,
                      struct error **err);

/* Not root: umoci's rootless model (specs/rootless.md). Directories stay
 * open to their owner until every layer is in; layer_apply alone finishes
 * after its one layer, a backend applying several passes one set along. */
struct layer_rootless;
struct layer_rootless *layer_rootless_new(void);
void layer_rootless_free(struct layer_rootless *r);
/* Give the directories recorded so far their own modes, deepest first. */
int layer_rootless_finish(struct layer_rootless *r, int target_dirfd, struct error **err);
/* layer_apply with the set (NULL: as layer_apply). */
int layer_apply_with(int blob_fd, int target_dirfd, const char *diff_id, enum whiteout_mode mode,
                     struct layer_rootless *rootless, struct error **err);

/* overlayfs' own markers (trusted.overlay.*, and user.overlay.*, which a
 * user namespace's overlay reads): never taken from a tar, by any backend. */
bool layer_xattr_reserved(const char *name);

#endif
