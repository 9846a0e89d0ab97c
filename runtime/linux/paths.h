/* linux.maskedPaths, linux.readonlyPaths and root.readonly, applied inside
 * the container after pivot_root. Paths are resolved beneath "/" and the
 * mounts land on fds, so symlinks cannot redirect them; /dev/null must be
 * the real null device before it is bound over anything (CVE-2025-31133). */
#ifndef RUNTIME_PATHS_H
#define RUNTIME_PATHS_H

#include "common/error.h"

/* Bind /dev/null over files, a read-only tmpfs over directories; missing
 * paths are skipped. */
int paths_mask(char *const *paths, struct error **err);
/* Bind each path onto itself and remount it read-only; missing are skipped. */
int paths_readonly(char *const *paths, struct error **err);
/* Remount "/" read-only. */
int paths_root_readonly(struct error **err);

#endif
