/* imagetool as an ordinary user (specs/rootless.md): the store under the
 * user's data dir, the copy backend, and a config the user can run. */
#ifndef IMAGETOOL_ROOTLESS_H
#define IMAGETOOL_ROOTLESS_H

#include <stdbool.h>

#include "common/error.h"
#include "common/spec.h"
#include "imagetool/backend/backend.h"

/* True when not running as root. */
bool rootless_mode(void);

/* The default store: /var/lib/imagetool for root; $XDG_DATA_HOME/imagetool
 * (an absolute XDG_DATA_HOME only), else ~/.local/share/imagetool. */
const char *rootless_store_default(void);

/* The backend unpack uses when --backend asked for wanted (NULL: none).
 * Root: wanted, else backend_default(). A user: copy, since the mounting
 * backends need a mount the runtime can see, which a user cannot make;
 * asking for one of them is said in one info line. */
const struct backend *rootless_backend(const struct backend *wanted);

/* Rewrite an unpacked config for the user: spec_make_rootless with the
 * user's ids (and subordinate ranges when newuidmap/newgidmap can map them),
 * a warning naming the limits dropped. */
void rootless_config(struct spec *s, bool host_network);

/* The user's subordinate range in FILE (/etc/subuid, /etc/subgid) by name
 * or id: its first id and size, or false when there is none. */
bool rootless_subid_range(const char *file, const char *name, unsigned id, uint32_t *start, uint32_t *count);

#endif
