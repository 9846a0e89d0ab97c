/* Canonical paths inside an image archive. */
#ifndef IMAGETOOL_SOURCES_ARCHIVE_PATH_H
#define IMAGETOOL_SOURCES_ARCHIVE_PATH_H

#include <stdbool.h>

/* "./a//b/" -> "a/b"; NULL when a component is "..". */
char *archive_path_normalise(const char *path);
/* A symlink at entry_path (canonical) pointing to target: the canonical
 * path it names; NULL when absolute or leaving the archive. */
char *archive_link_resolve(const char *entry_path, const char *target);

#endif
