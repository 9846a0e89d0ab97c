/* Outer libarchive reader: decompress only ("raw" format); inner: the tar,
 * fed by the outer one through a callback that hashes what passes. */
#include <archive.h>
#include <errno.h>
#include <nettle/sha2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/appc/aci_stream.h"

#define BUF_SIZE (1 << 20)

struct aci_stream {
    struct archive *outer, *inner;
    struct sha512_ctx md;
    char *buf;
    uint64_t size;
    const char *file;
};

static ssize_t tar_read(struct archive *a, void *opaque, const void **out)
{
    struct aci_stream *s = opaque;
    la_ssize_t r = archive_read_data(s->outer, s->buf, BUF_SIZE);
    if (r < 0) {
        archive_set_error(a, EIO, "%s", archive_error_string(s->outer));
        return -1;
    }
    sha512_update(&s->md, (size_t)r, (const uint8_t *)s->buf);
    s->size += (uint64_t)r;
    *out = s->buf;
    return r;
}

int aci_stream_open(const char *file, struct aci_stream **out, struct error **err)
{
    struct aci_stream *s = xcalloc(1, sizeof(*s));
    s->file = file;
    s->buf = xmalloc(BUF_SIZE);
    sha512_init(&s->md);
    s->outer = archive_read_new();
    archive_read_support_filter_all(s->outer);
    archive_read_support_format_raw(s->outer);
    struct archive_entry *e;
    if (archive_read_open_filename(s->outer, file, 1 << 16) != ARCHIVE_OK ||
        archive_read_next_header(s->outer, &e) != ARCHIVE_OK) {
        error_setc(err, errno == ENOENT ? EXIT_NOTFOUND : EXIT_INVALID, 0, "%s: %s", file,
                   archive_error_string(s->outer) ? archive_error_string(s->outer) : "cannot read");
        aci_stream_free(s);
        return -1;
    }
    s->inner = archive_read_new();
    archive_read_support_format_tar(s->inner);
    if (archive_read_open(s->inner, s, NULL, tar_read, NULL) != ARCHIVE_OK) {
        error_setc(err, EXIT_INVALID, 0, "%s: not a tar: %s", file, archive_error_string(s->inner));
        aci_stream_free(s);
        return -1;
    }
    *out = s;
    return 0;
}

struct archive *aci_stream_tar(struct aci_stream *s)
{
    return s->inner;
}

int aci_stream_finish(struct aci_stream *s, char id[APPC_IMAGE_ID_LEN + 1], uint64_t *size, struct error **err)
{
    for (;;) {
        la_ssize_t r = archive_read_data(s->outer, s->buf, BUF_SIZE);
        if (r < 0)
            return error_setc(err, EXIT_INVALID, 0, "%s: %s", s->file, archive_error_string(s->outer));
        if (r == 0)
            break;
        sha512_update(&s->md, (size_t)r, (const uint8_t *)s->buf);
        s->size += (uint64_t)r;
    }
    uint8_t md[SHA512_DIGEST_SIZE];
    sha512_digest(&s->md, sizeof(md), md);
    memcpy(id, "sha512-", 7);
    for (unsigned i = 0; i < sizeof(md); i++)
        snprintf(id + 7 + 2 * i, 3, "%02x", md[i]);
    *size = s->size;
    return 0;
}

void aci_stream_free(struct aci_stream *s)
{
    if (!s)
        return;
    if (s->inner)
        archive_read_free(s->inner);
    if (s->outer)
        archive_read_free(s->outer);
    free(s->buf);
    free(s);
}

void aci_stream_freep(struct aci_stream **s)
{
    aci_stream_free(*s);
}
