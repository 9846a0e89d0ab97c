/* Unpack progress: while a backend lays out a rootfs, one line per layer on
 * a terminal ("Unpacking layer 2 of 5", a bar of the blob's bytes read so
 * far, then "Unpacked layer 2 of 5 (45.6MB)" or "Already exists" for a
 * layer the store had cached); nothing when stderr is not a terminal or
 * with --quiet. It follows the layer blobs the backend opens through the
 * store (store_watch_blobs) and reads how far each has been read from its
 * file offset, so backends need no hooks of their own. */
#ifndef IMAGETOOL_PROGRESS_UNPACK_H
#define IMAGETOOL_PROGRESS_UNPACK_H

#include <stdbool.h>

#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

struct unpack_progress;

/* NULL (nothing to show) when quiet or stderr is not a terminal; tty as
 * for progress_new. Watches s until unpack_progress_end. */
struct unpack_progress *unpack_progress_start(struct store *s, const struct manifest *m, bool quiet, int tty);
/* Whether unpack_progress_start would show anything (stderr a terminal). */
bool unpack_progress_wanted(bool quiet);
/* Final lines (ok: done or cached; else the layer being read failed);
 * stops watching and frees. NULL is fine. */
void unpack_progress_end(struct unpack_progress *u, bool ok);

#endif
