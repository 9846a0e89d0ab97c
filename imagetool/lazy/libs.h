/* Whether a library loaded on first use (lazy.h) can be loaded here: the
 * callers that have another way choose it instead of failing. */
#ifndef IMAGETOOL_LAZY_LIBS_H
#define IMAGETOOL_LAZY_LIBS_H

#include <stdbool.h>

bool libisal_available(void);
bool libsquashfs_available(void);

#endif
