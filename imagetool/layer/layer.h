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

#endif
