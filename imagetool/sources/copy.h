/* Blob copying shared by the directory sources. */
#ifndef IMAGETOOL_SOURCES_COPY_H
#define IMAGETOOL_SOURCES_COPY_H

#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

/* Stream fd into the store as d (digest and size verified). */
int copy_fd_to_store(struct store *s, int fd, const struct descriptor *d, struct error **err);

#endif
