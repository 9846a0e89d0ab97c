/* Blob downloads into the store: blobs the store has are skipped, the rest
 * run side by side on one curl multi handle, each streamed through the
 * store's blob writer (sha256 while writing, renamed into place only when
 * the digest matches). 5xx answers, resets, timeouts and truncated bodies
 * are retried with backoff, resuming with a Range request where the
 * server allows and keeping the writer (and its hash) going. */
#ifndef IMAGETOOL_REGISTRY_BLOBS_H
#define IMAGETOOL_REGISTRY_BLOBS_H

#include <stddef.h>

#include "common/error.h"
#include "imagetool/image/image.h"
#include "imagetool/progress.h"
#include "imagetool/registry/client.h"
#include "imagetool/source.h"
#include "imagetool/store/store.h"

#define BLOBS_PARALLEL_DEFAULT 6

/* Every descriptor's blob is in the store afterwards, or an error names
 * the first blob that failed (and its temp file is gone). watch (or NULL)
 * hears of each blob as soon as it is in the store. */
int blobs_fetch(struct registry *r, struct store *s, const struct descriptor *descs, size_t n, struct progress *p,
                const struct import_watch *watch, struct error **err);

#endif
