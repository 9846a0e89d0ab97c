/* Two readers in a row: the outer one only decompresses (gzip with ISA-L's
 * inflate, layer/gunzip.c; zstd, xz, bzip2 or none through libarchive's
 * "raw" format; sniffed from magic bytes), the inner one (libarchive)
 * parses the tar. The outer one runs in a thread of its own, and a third
 * thread hashes what it produces (the diff_id, checked in that single
 * pass), so decompression, sha256 and the file system work of applying
 * entries overlap: on the bench image, decompressing and hashing in one
 * thread made that thread the critical path. The three meet in a ring of
 * large blocks; a block is filled again once it is both hashed and
 * released by the tar reader. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/archive_filters.h"
#include "imagetool/layer/gunzip.h"
#include "imagetool/lazy/libs.h"
#include "imagetool/layer/internal.h"

#define READ_BUF_SIZE (1 << 20)
#define BLOCK_SIZE (1 << 20)
#define N_BLOCKS 8

struct layer_stream {
    int fd;
    struct archive *outer, *inner;
    struct gunzip *gz;          /* gzip: instead of outer */
    struct sha256 *hash;
    char *read_buf;

    pthread_t thread, hash_thread;
    bool thread_started, hash_thread_started;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char *block[N_BLOCKS];
    size_t block_len[N_BLOCKS];
    /* Blocks are produced, consumed (handed to the tar reader, which may use
     * it until its next read) and released in order: a ring. */
    size_t produced, consumed, released, hashed;
    bool done, stop;
    char *filter_error;
    uint64_t produced_bytes, max_bytes;
    bool too_large; /* filter_error is the size limit's message */
};

/* IMAGETOOL_MAX_LAYER_SIZE: bytes, or with a k, m, g or t suffix (1024-based). */
#define DEFAULT_MAX_LAYER_SIZE (64ULL << 30)

static int max_layer_size(uint64_t *out, struct error **err)
{
    const char *v = getenv("IMAGETOOL_MAX_LAYER_SIZE");
    *out = DEFAULT_MAX_LAYER_SIZE;
    if (v == NULL || *v == '\0')
        return 0;
    char *end;
    errno = 0;
    unsigned long long n = strtoull(v, &end, 10);
    unsigned shift = 0;
    const char *units = "kmgt";
    const char *u = *end ? strchr(units, end[0] | 0x20) : NULL;
    if (u) {
        shift = 10 * (unsigned)(u - units + 1);
        end++;
    }
    if (errno || end == v || *end || *v == '-' || n == 0 || n > (UINT64_MAX >> shift))
        return error_setc(err, EXIT_USAGE, 0, "IMAGETOOL_MAX_LAYER_SIZE: \"%s\" is not a size (bytes, or k/m/g/t)", v);
    *out = (uint64_t)n << shift;
    return 0;
}

static ssize_t blob_read(struct archive *a, void *opaque, const void **out)
{
    struct layer_stream *s = opaque;
    ssize_t r;
    do
        r = read(s->fd, s->read_buf, READ_BUF_SIZE);
    while (r < 0 && errno == EINTR);
    if (r < 0)
        archive_set_error(a, errno, "read layer blob");
    *out = s->read_buf;
    return r;
}

/* Fill one block from the decompressor: its length, 0 at the end, -1 on error. */
static ssize_t fill_block(struct layer_stream *s, char *buf)
{
    size_t len = 0;
    while (len < BLOCK_SIZE) {
        ssize_t r = s->gz ? gunzip_read(s->gz, buf + len, BLOCK_SIZE - len)
                          : archive_read_data(s->outer, buf + len, BLOCK_SIZE - len);
        if (r < 0)
            return -1;
        if (r == 0)
            break;
        len += (size_t)r;
    }
    return (ssize_t)len;
}

/* Under the lock: the oldest block still in use (unhashed or unreleased). */
static size_t oldest_in_use(const struct layer_stream *s)
{
    return s->released < s->hashed ? s->released : s->hashed;
}

static void *producer(void *opaque)
{
    struct layer_stream *s = opaque;
    for (;;) {
        pthread_mutex_lock(&s->mu);
        while (s->produced - oldest_in_use(s) == N_BLOCKS && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        bool stop = s->stop;
        pthread_mutex_unlock(&s->mu);
        if (stop)
            break;
        size_t slot = s->produced % N_BLOCKS;
        ssize_t len = fill_block(s, s->block[slot]);
        bool over = len > 0 && (s->produced_bytes += (uint64_t)len) > s->max_bytes;
        pthread_mutex_lock(&s->mu);
        if (over) {
            s->filter_error = xasprintf("decompressed layer larger than %llu bytes (IMAGETOOL_MAX_LAYER_SIZE)",
                                        (unsigned long long)s->max_bytes);
            s->too_large = true;
            len = -1;
        } else if (len < 0) {
            const char *msg = s->gz ? gunzip_error(s->gz) : archive_error_string(s->outer);
            s->filter_error = xstrdup(msg ? msg : "decompression failed");
        } else if (len > 0) {
            s->block_len[slot] = (size_t)len;
            s->produced++;
        }
        if (len <= 0)
            s->done = true;
        pthread_cond_broadcast(&s->cv);
        pthread_mutex_unlock(&s->mu);
        if (len <= 0)
            break;
    }
    return NULL;
}

static void *hasher(void *opaque)
{
    struct layer_stream *s = opaque;
    pthread_mutex_lock(&s->mu);
    for (;;) {
        while (s->hashed == s->produced && !s->done && !s->stop)
            pthread_cond_wait(&s->cv, &s->mu);
        if (s->stop || s->hashed == s->produced)
            break;
        size_t slot = s->hashed % N_BLOCKS, len = s->block_len[slot];
        pthread_mutex_unlock(&s->mu);
        sha256_update(s->hash, s->block[slot], len);
        pthread_mutex_lock(&s->mu);
        s->hashed++;
        pthread_cond_broadcast(&s->cv);
    }
    pthread_mutex_unlock(&s->mu);
    return NULL;
}

/* Under the lock: let go of the block the tar reader had, wait for the next. */
static ssize_t next_block(struct layer_stream *s, const void **out)
{
    if (s->consumed > s->released) {
        s->released++;
        pthread_cond_broadcast(&s->cv);
    }
    while (s->produced == s->consumed && !s->done)
        pthread_cond_wait(&s->cv, &s->mu);
    if (s->produced == s->consumed)
        return s->filter_error ? -1 : 0;
    size_t slot = s->consumed++ % N_BLOCKS;
    *out = s->block[slot];
    return (ssize_t)s->block_len[slot];
}

static ssize_t tar_read(struct archive *a, void *opaque, const void **out)
{
    struct layer_stream *s = opaque;
    pthread_mutex_lock(&s->mu);
    ssize_t r = next_block(s, out);
    if (r < 0)
        archive_set_error(a, -1, "%s", s->filter_error);
    pthread_mutex_unlock(&s->mu);
    return r;
}

static int enable_filters(struct archive *a)
{
    if (archive_enable_builtin_filters(a) < 0)
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
        if (s->filter_error)
            return error_setc(err, EXIT_INVALID, 0, "%s%s", s->too_large ? "" : "corrupt layer: ",
                              s->filter_error);
        const char *msg = archive_error_string(s->inner);
        return error_setc(err, EXIT_INVALID, 0, "not a tar: %s", msg ? msg : "unknown format");
    }
    return 0;
}

int layer_stream_open(int blob_fd, struct layer_stream **out, struct error **err)
{
    struct layer_stream *s = xcalloc(1, sizeof(*s));
    s->fd = blob_fd;
    s->read_buf = xmalloc(READ_BUF_SIZE);
    for (int i = 0; i < N_BLOCKS; i++)
        s->block[i] = xmalloc(BLOCK_SIZE);
    s->hash = sha256_new();
    pthread_mutex_init(&s->mu, NULL);
    pthread_cond_init(&s->cv, NULL);
    posix_fadvise(blob_fd, 0, 0, POSIX_FADV_SEQUENTIAL);
    if (max_layer_size(&s->max_bytes, err) < 0)
        goto fail;
    if (gunzip_sniff(blob_fd) && libisal_available())
        s->gz = gunzip_new(blob_fd);
    else if (open_outer(s, err) < 0)
        goto fail;
    int e = pthread_create(&s->thread, NULL, producer, s);
    if (e != 0) {
        error_set(err, e, "start the decompressor thread");
        goto fail;
    }
    s->thread_started = true;
    if ((e = pthread_create(&s->hash_thread, NULL, hasher, s)) != 0) {
        error_set(err, e, "start the hashing thread");
        goto fail;
    }
    s->hash_thread_started = true;
    if (open_inner(s, err) < 0)
        goto fail;
    *out = s;
    return 0;
fail:
    layer_stream_free(s);
    return -1;
}

struct archive *layer_stream_tar(struct layer_stream *s)
{
    return s->inner;
}

bool layer_stream_too_large(struct layer_stream *s)
{
    pthread_mutex_lock(&s->mu);
    bool r = s->too_large;
    pthread_mutex_unlock(&s->mu);
    return r;
}

const char *layer_stream_filter_error(struct layer_stream *s)
{
    pthread_mutex_lock(&s->mu);
    const char *e = s->filter_error;
    pthread_mutex_unlock(&s->mu);
    return e;
}

/* What follows the tar's end (padding) belongs to the diff_id too: let the
 * producer run to the end of the stream. */
int layer_stream_finish(struct layer_stream *s, char digest[DIGEST_STR_LEN + 1], struct error **err)
{
    const void *buf;
    pthread_mutex_lock(&s->mu);
    while (next_block(s, &buf) > 0)
        ;
    pthread_mutex_unlock(&s->mu);
    pthread_join(s->thread, NULL);
    s->thread_started = false;
    pthread_join(s->hash_thread, NULL);
    s->hash_thread_started = false;
    if (s->filter_error)
        return error_setc(err, EXIT_INVALID, 0, "%s", s->filter_error);
    sha256_final(s->hash, digest);
    s->hash = NULL;
    return 0;
}

static void stop_threads(struct layer_stream *s)
{
    pthread_mutex_lock(&s->mu);
    s->stop = true;
    pthread_cond_broadcast(&s->cv);
    pthread_mutex_unlock(&s->mu);
    if (s->thread_started)
        pthread_join(s->thread, NULL);
    if (s->hash_thread_started)
        pthread_join(s->hash_thread, NULL);
    s->thread_started = s->hash_thread_started = false;
}

void layer_stream_free(struct layer_stream *s)
{
    if (s == NULL)
        return;
    stop_threads(s);
    if (s->inner)
        archive_read_free(s->inner);
    if (s->outer)
        archive_read_free(s->outer);
    gunzip_free(s->gz);
    sha256_free(s->hash);
    free(s->filter_error);
    for (int i = 0; i < N_BLOCKS; i++)
        free(s->block[i]);
    free(s->read_buf);
    pthread_mutex_destroy(&s->mu);
    pthread_cond_destroy(&s->cv);
    free(s);
}
