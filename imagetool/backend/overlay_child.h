/* Overlays made in a child process, in namespaces of its own, and handed
 * back detached (the mount's fd; lookups through it keep working after the
 * child and its namespaces are gone):
 * - an ordinary user's: an overlay it may make only inside a user namespace
 *   and mount namespace of its own (Linux 5.11+), the caller's uid and gid
 *   mapped to 0, read-only, "userxattr" (opaque dirs are
 *   user.overlay.opaque);
 * - root's detached overlays on older kernels (Debian 12's 6.1): where
 *   overlayfs takes no detached mount as a layer ("failed to clone
 *   lowerpath") the layer images' mounts are attached in the child's mount
 *   namespace first, so nothing is ever attached in ours; where it has no
 *   "lowerdir+" the child mounts with mount(2) and hands back a clone. */
#ifndef IMAGETOOL_BACKEND_OVERLAY_CHILD_H
#define IMAGETOOL_BACKEND_OVERLAY_CHILD_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "imagetool/backend/overlay_context.h"

/* An O_PATH-like fd of the overlay of lower (top first, at least two). */
int overlay_child_user_view(char *const *lower, struct error **err);

/* May this user mount overlay in a user namespace here? Asked once, of the
 * kernel, with two empty dirs on a tmpfs; nothing is left. */
bool overlay_child_user_available(void);

/* The overlay of p made in the child, the n layer_fds (detached layer
 * mounts, whose /proc/self/fd paths are p's lower) attached there first;
 * read-only without upper. what names it in the error. */
int overlay_child_attached(const struct overlay_params *p, const int *layer_fds, size_t n, const char *what,
                           struct error **err);
/* Whether overlay_child_attached was needed once already in this process
 * (then the first try, with detached layers, is skipped). */
bool overlay_child_needed(void);

#endif
