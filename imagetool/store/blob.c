/* Blobs: streamed into tmp/ while hashed, renamed to blobs/sha256/<hex> only
 * when the digest is right and the data durable (in one batch per import,
 * blob_batch.c), so a blob's name always matches its content. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

struct blob_writer {
    struct store *s;
    char *tmp;
    int fd;
    struct sha256 *hash;
    uint64_t size;
    char expected[DIGEST_STR_LEN + 1]; /* "" when none */
    char digest[DIGEST_STR_LEN + 1];   /* set by finish */
};

static void writer_free(struct blob_writer *w)
{
    if (w->fd >= 0)
        close(w->fd);
    sha256_free(w->hash);
    free(w->tmp);
    free(w);
}

int store_blob_begin(struct store *s, const char *expected, struct blob_writer **out, struct error **err)
{
    if (expected && !digest_is_valid(expected))
        return error_setc(err, EXIT_INVALID, 0, "unsupported or malformed digest '%s'", expected);
    if (store_lock_shared_once(s, err) < 0)
        return -1;
    struct blob_writer *w = xcalloc(1, sizeof(*w));
    w->s = s;
    w->tmp = xasprintf("%s/" STORE_TMP_DIR "/blob-XXXXXX", s->root);
    w->fd = mkostemp(w->tmp, O_CLOEXEC);
    if (w->fd < 0) {
        error_set(err, errno, "create %s", w->tmp);
        free(w->tmp);
        free(w);
        return -1;
    }
    w->hash = sha256_new();
    if (expected)
        memcpy(w->expected, expected, DIGEST_STR_LEN + 1);
    *out = w;
    return 0;
}

int blob_writer_write(struct blob_writer *w, const void *buf, size_t len, struct error **err)
{
    if (write_all(w->fd, buf, len) < 0)
        return error_set(err, errno, "write %s", w->tmp);
    sha256_update(w->hash, buf, len);
    w->size += len;
    return 0;
}

uint64_t blob_writer_size(const struct blob_writer *w)
{
    return w->size;
}

int store_blob_finish(struct blob_writer *w, char digest_out[DIGEST_STR_LEN + 1])
{
    if (w->hash) {
        sha256_final(w->hash, w->digest);
        w->hash = NULL;
        close(w->fd);
        w->fd = -1;
    }
    if (digest_out)
        memcpy(digest_out, w->digest, DIGEST_STR_LEN + 1);
    return 0;
}

static int commit(struct blob_writer *w, char digest_out[DIGEST_STR_LEN + 1], struct error **err)
{
    store_blob_finish(w, digest_out);
    if (w->expected[0] && strcmp(w->expected, w->digest) != 0)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: digest mismatch, content has %s", w->expected,
                          w->digest);
    if (store_has_blob(w->s, w->digest))
        return 0; /* the same content is there (or pending) already: keep one copy */
    if (chmod(w->tmp, 0644) < 0)
        return error_set(err, errno, "chmod %s", w->tmp);
    store_batch_add(w->s, TAKE_PTR(w->tmp), w->digest); /* durable and named at the import's flush */
    return 0;
}

int store_blob_commit(struct blob_writer *w, char digest_out[DIGEST_STR_LEN + 1], struct error **err)
{
    int r = commit(w, digest_out, err);
    if (w->tmp)
        unlink(w->tmp); /* not kept */
    writer_free(w);
    return r;
}

int blob_writer_fd(const struct blob_writer *w)
{
    return w->fd;
}

int store_blob_commit_verified(struct blob_writer *w, struct error **err)
{
    sha256_free(w->hash);
    w->hash = NULL;
    close(w->fd);
    w->fd = -1;
    memcpy(w->digest, w->expected, DIGEST_STR_LEN + 1);
    return store_blob_commit(w, NULL, err);
}

void store_blob_abort(struct blob_writer *w)
{
    if (w == NULL)
        return;
    unlink(w->tmp);
    writer_free(w);
}

int store_put_blob(struct store *s, const void *buf, size_t len, const char *expected,
                   char digest_out[DIGEST_STR_LEN + 1], struct error **err)
{
    if (expected && !digest_is_valid(expected))
        return error_setc(err, EXIT_INVALID, 0, "unsupported or malformed digest '%s'", expected);
    if (store_lock_shared_once(s, err) < 0)
        return -1;
    char digest[DIGEST_STR_LEN + 1];
    sha256_buf(buf, len, digest);
    if (expected && strcmp(expected, digest) != 0)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: digest mismatch, content has %s", expected, digest);
    if (store_has_blob(s, digest)) { /* stored already: nothing to write */
        if (digest_out)
            memcpy(digest_out, digest, DIGEST_STR_LEN + 1);
        return 0;
    }
    struct blob_writer *w = NULL;
    if (store_blob_begin(s, expected, &w, err) < 0)
        return -1;
    if (blob_writer_write(w, buf, len, err) < 0) {
        store_blob_abort(w);
        return -1;
    }
    return store_blob_commit(w, digest_out, err);
}

char *store_blob_path(const struct store *s, const char *digest)
{
    if (!digest_is_valid(digest))
        return xasprintf("%s/" STORE_BLOBS_DIR "/invalid-digest", s->root);
    char *pending = store_batch_find(s, digest);
    if (pending)
        return pending;
    return xasprintf("%s/" STORE_BLOBS_DIR "/%s", s->root, digest_hex(digest));
}

bool store_has_blob(struct store *s, const char *digest)
{
    if (!digest_is_valid(digest))
        return false;
    CLEANUP_FREE char *p = store_blob_path(s, digest);
    struct stat st;
    return stat(p, &st) == 0 && S_ISREG(st.st_mode);
}

int store_blob_open(struct store *s, const char *digest, struct error **err)
{
    if (!digest_is_valid(digest))
        return error_setc(err, EXIT_INVALID, 0, "unsupported or malformed digest '%s'", digest);
    CLEANUP_FREE char *p = store_blob_path(s, digest);
    int fd = open(p, O_RDONLY | O_CLOEXEC);
    if (fd < 0 && errno == ENOENT) { /* a pending blob may have got its name since (another thread's flush) */
        free(p);
        p = store_blob_path(s, digest);
        fd = open(p, O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0 && errno == ENOENT)
        return error_setc(err, EXIT_NOTFOUND, 0, "blob %s is not in the store", digest);
    if (fd < 0)
        return error_set(err, errno, "open %s", p);
    if (s->watch)
        s->watch(s->watch_ctx, digest, fd);
    return fd;
}

void store_watch_blobs(struct store *s, store_blob_watch_fn fn, void *ctx)
{
    s->watch = fn;
    s->watch_ctx = ctx;
}

bool store_blobs_watched(const struct store *s)
{
    return s->watch != NULL;
}

int store_blob_read(struct store *s, const char *digest, char **buf, size_t *len, struct error **err)
{
    CLEANUP_CLOSE int fd = store_blob_open(s, digest, err);
    if (fd < 0)
        return -1;
    size_t n = 0;
    if (read_all_fd(fd, buf, &n, err) < 0)
        return error_prefix(err, "blob %s", digest);
    if (len)
        *len = n;
    return 0;
}
