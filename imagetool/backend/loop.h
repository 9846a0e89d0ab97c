/* Read-only loop devices for layer images. */
#ifndef IMAGETOOL_BACKEND_LOOP_H
#define IMAGETOOL_BACKEND_LOOP_H

#include <stdbool.h>

#include "common/error.h"

/* Attach path read-only to a free loop device in one LOOP_CONFIGURE, with
 * autoclear: the device detaches itself when its last user (the mount made
 * from it) goes. direct_io: the device reads the file with O_DIRECT, so its
 * pages are not cached twice. Returns an fd of the device; *dev its path. */
int loop_attach(const char *path, bool direct_io, char **dev, struct error **err);
/* loop_share.c: an fd of the device path was last attached to (noted by
 * loop_note_attached), when that device still reads path read-only from its
 * start with autoclear (checked on the device); *dev its path. -1: none. */
int loop_open_shared(const char *path, char **dev);
void loop_note_attached(const char *path, const char *dev);

/* Loop devices, the file system fs (squashfs, erofs) and overlayfs can be
 * used here: the initial user namespace (neither can be mounted in another),
 * /dev/loop-control, both file systems known to the kernel.
 * IMAGETOOL_NO_LOOP=1 says no (tests). */
bool loop_available(const char *fs);
/* overlayfs can be mounted here. */
bool overlay_available(void);

#endif
