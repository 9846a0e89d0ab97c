/* Two libarchive readers in a row: the outer one only decompresses (any
 * filter, sniffed from magic bytes, "raw" format), the inner one parses the
 * tar. The inner one reads through a callback that takes the outer one's
 * output blocks without copying, hashing them on the way, so the diff_id is
 * checked in the same single pass that applies the layer. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "imagetool/layer_internal.h"

#define READ_BUF_SIZE (1 << 20)

struct layer_stream {
    int fd;
    struct archive *outer, *inner;
    struct sha256 *hash;
    char *buf;
    char *filter_error;
    bool outer_eof;
};

static ssize_t blob_read(struct archive *a, void *opaque, const void **out)
{
    struct layer_stream *s = opaque;
    for (;;) {
        ssize_t r = read(s->fd, s->buf, READ_BUF_SIZE);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            archive_set_error(a, errno, "read layer blob");
        *out = s->buf;
        return r;
    }
}

/* One decompressed block: hashed here, then parsed by the tar reader. */
static ssize_t tar_read(struct archive *a, void *opaque, const void **out)
{
    struct layer_stream *s = opaque;
    size_t size = 0;
    la_int64_t offset;
    if (s->outer_eof)
        return 0;
    int r = archive_read_data_block(s->outer, out, &size, &offset);
    if (r == ARCHIVE_EOF) {
        s->outer_eof = true;
        return 0;
    }
    if (r < ARCHIVE_OK) {
        const char *msg = archive_error_string(s->outer);
        free(s->filter_error);
        s->filter_error = xstrdup(msg ? msg : "decompression failed");
        archive_set_error(a, -1, "%s", s->filter_error);
        return -1;
    }
    sha256_update(s->hash, *out, size);
    return (ssize_t)size;
}

static int enable_filters(struct archive *a)
{
    /* Named filters only: archive_read_support_filter_all would also accept
     * formats that libarchive decodes by running external programs. */
    if (archive_read_support_filter_gzip(a) != ARCHIVE_OK || archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
        archive_read_support_filter_xz(a) != ARCHIVE_OK || archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
        archive_read_support_filter_lzma(a) != ARCHIVE_OK)
        return -1;
    return archive_read_support_format_raw(a) == ARCHIVE_OK ? 0 : -1;
}

static int open_outer(struct layer_stream *s, struct error **err)
{
    s->outer = archive_read_new();
    if (s->outer == NULL)
        abort();
    if (enable_filters(s->outer) < 0)
        return error_setc(err, EXIT_FAIL, 0, "libarchive: %s", archive_error_string(s->outer));
    struct archive_entry *e;
    if (archive_read_open(s->outer, s, NULL, blob_read, NULL) != ARCHIVE_OK ||
        archive_read_next_header(s->outer, &e) != ARCHIVE_OK) {
        const char *msg = archive_error_string(s->outer);
        return error_setc(err, EXIT_INVALID, 0, "corrupt layer: %s", msg ? msg : "unreadable");
    }
    return 0;
}

static int open_inner(struct layer_stream *s, struct error **err)
{
    s->inner = archive_read_new();
    if (s->inner == NULL)
        abort();
    if (archive_read_support_format_tar(s->inner) != ARCHIVE_OK ||
        archive_read_open(s->inner, s, NULL, tar_read, NULL) != ARCHIVE_OK) {
        const char *msg = archive_error_string(s->inner);
        return error_setc(err, EXIT_INVALID, 0, "not a tar: %s", msg ? msg : "unknown format");
    }
    return 0;
}

int layer_stream_open(int blob_fd, struct layer_stream **out, struct error **err)
{
    struct layer_stream *s = xcalloc(1, sizeof(*s));
    s->fd = blob_fd;
    s->buf = xmalloc(READ_BUF_SIZE);
    s->hash = sha256_new();
    posix_fadvise(blob_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    if (open_outer(s, err) < 0 || open_inner(s, err) < 0) {
        layer_stream_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

struct archive *layer_stream_tar(struct layer_stream *s)
{
    return s->inner;
}

const char *layer_stream_filter_error(struct layer_stream *s)
{
    return s->filter_error;
}

int layer_stream_finish(struct layer_stream *s, char digest[DIGEST_STR_LEN + 1], struct error **err)
{
    const void *buf;
    for (;;) {
        ssize_t r = tar_read(s->inner, s, &buf);
        if (r == 0)
            break;
        if (r < 0)
            return error_setc(err, EXIT_INVALID, 0, "%s", s->filter_error);
    }
    sha256_final(s->hash, digest);
    s->hash = NULL;
    return 0;
}

void layer_stream_free(struct layer_stream *s)
{
    if (s == NULL)
        return;
    if (s->inner)
        archive_read_free(s->inner);
    if (s->outer)
        archive_read_free(s->outer);
    sha256_free(s->hash);
    free(s->filter_error);
    free(s->buf);
    free(s);
}
