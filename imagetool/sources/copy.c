/* Copying a blob from a file descriptor into the store, hashed on the way. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/sources/copy.h"

#define COPY_CHUNK (1 << 20)

int copy_fd_to_store(struct store *s, int fd, const struct descriptor *d, struct error **err)
{
    struct blob_writer *w = NULL;
    if (store_blob_begin(s, d->digest, &w, err) < 0)
        return -1;
    posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    CLEANUP_FREE char *buf = xmalloc(COPY_CHUNK);
    for (;;) {
        ssize_t n = read(fd, buf, COPY_CHUNK);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0) {
            store_blob_abort(w);
            return error_set(err, errno, "read blob %s", d->digest);
        }
        if (n == 0)
            break;
        if (blob_writer_write(w, buf, (size_t)n, err) < 0) {
            store_blob_abort(w);
            return -1;
        }
    }
    if (d->size && blob_writer_size(w) != d->size) {
        uint64_t got = blob_writer_size(w);
        store_blob_abort(w);
        return error_setc(err, EXIT_INVALID, 0, "blob %s: %llu bytes, descriptor says %llu", d->digest,
                          (unsigned long long)got, (unsigned long long)d->size);
    }
    return store_blob_commit(w, NULL, err);
}
