/* The bundle directory's life: made (or adopted when empty) by unpack,
 * emptied again when unpack fails, removed by rm-bundle. */
#ifndef IMAGETOOL_BUNDLE_H
#define IMAGETOOL_BUNDLE_H

#include <stdbool.h>

#include "common/error.h"
#include "imagetool/backend/backend.h"

/* Make path (and missing parents), or accept an existing empty directory.
 * *created says which, for bundle_discard. Not empty: EXIT_STATE. */
int bundle_prepare(const char *path, bool *created, struct error **err);
/* Make what unpack wrote durable in one batch: the record, config.json,
 * the bundle directory and its parent (which holds a new bundle's name). */
int bundle_sync(const char *path, struct error **err);
/* Undo a failed unpack: release the backend's mount, then remove the
 * directory (created) or what unpack put in it. Best effort, logs failures. */
void bundle_discard(const char *path, bool created, const struct backend *b);
/* The pid of a process whose root is the bundle's rootfs or lies inside
 * the bundle, or 0. */
int bundle_user_pid(const char *path);
/* umount then rm -rf; refuses a directory that is not an imagetool bundle,
 * and one a process still has as its root (EXIT_STATE). */
int bundle_remove(const char *path, struct error **err);

#endif
