/* An overlay file system context, made (FSCONFIG_CMD_CREATE done) and
 * ready for fsmount, on any kernel with the new mount API. */
#ifndef IMAGETOOL_BACKEND_OVERLAY_CONTEXT_H
#define IMAGETOOL_BACKEND_OVERLAY_CONTEXT_H

#include <stdbool.h>

#include "common/error.h"

struct overlay_params {
    char *const *lower; /* top first, at least one */
    const char *upper, *work; /* both or neither (a read-only overlay) */
    bool userxattr;
};

/* The context's fd; -1 with errno ENOSYS (no fsopen) or *err naming what
 * with the kernel's own explanation (*explained: there was one; explained
 * may be NULL). Each lower dir goes on its own
 * ("lowerdir+", Linux 6.8+), so the count is not bounded by a page of
 * options; a kernel without it fails with EINVAL (6.5-6.7 when it is set,
 * older ones, which take the options whole, when the context is created)
 * and mount(2) is left, one page of options: fsconfig takes no string
 * longer than 256 bytes, so one "lowerdir" list does not fit there. */
int overlay_context(const struct overlay_params *p, const char *what, bool *explained, struct error **err);

/* The same, without words: -1 with errno, *msg the kernel's explanation
 * or NULL; msg NULL asks for none and nothing is allocated (a forked
 * child of a threaded process may call it). */
int overlay_context_create(const struct overlay_params *p, char **msg);

/* dirs joined with ':' for mount(2)'s "lowerdir=", ':' ',' and '\\' escaped */
char *overlay_lower_list(char *const *lower);

#endif
