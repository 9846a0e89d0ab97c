/* FILE[:REF] for the archive transports. */
#ifndef IMAGETOOL_SOURCES_ARCHIVE_REF_H
#define IMAGETOOL_SOURCES_ARCHIVE_REF_H

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

/* Split at the first colon like skopeo, unless the whole string is a file. */
static inline void archive_ref_split(const char *rest, char **file, char **ref)
{
    const char *colon = strchr(rest, ':');
    struct stat st;
    if (colon == NULL || stat(rest, &st) == 0) {
        *file = xstrdup(rest);
        *ref = NULL;
        return;
    }
    *file = strndup(rest, (size_t)(colon - rest));
    *ref = colon[1] ? xstrdup(colon + 1) : NULL;
}

#endif
