/* overlayfs for an ordinary user: a mount it may make only inside a user
 * namespace and mount namespace of its own (Linux 5.11+). A child process
 * unshares both, maps the caller's uid and gid to 0, builds a read-only
 * overlay of the lower dirs detached (fsmount, "userxattr": opaque dirs are
 * user.overlay.opaque) and hands the mount's fd back: lookups through it
 * keep working after the child and its namespaces are gone. */
#ifndef IMAGETOOL_USERNS_OVERLAY_H
#define IMAGETOOL_USERNS_OVERLAY_H

#include <stdbool.h>

#include "common/error.h"

/* An O_PATH-like fd of the overlay of lower (top first, at least two). */
int userns_overlay_view(char *const *lower, struct error **err);

/* May this user mount overlay in a user namespace here? Asked once, of the
 * kernel, with two empty dirs on a detached tmpfs; nothing is left. */
bool userns_overlay_available(void);

#endif
