/* Durability in one batch per import: a verified blob stays under its temp
 * name (readers of this process find it there, store_blob_path) until the
 * import names an image or closes the store; then one syncfs makes every
 * pending blob's data durable, the renames follow, and one fsync of
 * blobs/sha256 makes the names durable, so a name still only ever points at
 * complete content, with one flush per import instead of one per blob.
 * Blob jobs of a pull commit from several threads: the list has a lock. */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

struct pending_blob {
    char *tmp;
    char digest[DIGEST_STR_LEN + 1];
};

struct store_batch {
    pthread_mutex_t mu;
    struct pending_blob *blobs;
    size_t n, cap;
};

static struct store_batch *batch_of(struct store *s)
{
    static pthread_mutex_t create = PTHREAD_MUTEX_INITIALIZER;
    pthread_mutex_lock(&create);
    if (s->batch == NULL) {
        s->batch = xcalloc(1, sizeof(*s->batch));
        pthread_mutex_init(&s->batch->mu, NULL);
    }
    pthread_mutex_unlock(&create);
    return s->batch;
}

void store_batch_add(struct store *s, char *tmp, const char *digest)
{
    struct store_batch *b = batch_of(s);
    pthread_mutex_lock(&b->mu);
    if (b->n == b->cap) {
        b->cap = b->cap ? b->cap * 2 : 16;
        b->blobs = xrealloc(b->blobs, b->cap * sizeof(*b->blobs));
    }
    b->blobs[b->n].tmp = tmp;
    memcpy(b->blobs[b->n].digest, digest, DIGEST_STR_LEN + 1);
    b->n++;
    pthread_mutex_unlock(&b->mu);
}

char *store_batch_find(const struct store *s, const char *digest)
{
    struct store_batch *b = s->batch;
    if (b == NULL)
        return NULL;
    char *found = NULL;
    pthread_mutex_lock(&b->mu);
    for (size_t i = 0; i < b->n && !found; i++)
        if (strcmp(b->blobs[i].digest, digest) == 0)
            found = xstrdup(b->blobs[i].tmp);
    pthread_mutex_unlock(&b->mu);
    return found;
}

int store_batch_flush(struct store *s, struct error **err)
{
    struct store_batch *b = s->batch;
    if (b == NULL || b->n == 0)
        return 0;
    pthread_mutex_lock(&b->mu);
    int r = 0;
    CLEANUP_CLOSE int fd = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0 || syncfs(fd) < 0)
        r = error_set(err, errno, "sync store %s", s->root);
    for (size_t i = 0; i < b->n; i++) {
        if (r == 0) {
            CLEANUP_FREE char *dest = xasprintf("%s/" STORE_BLOBS_DIR "/%s", s->root, digest_hex(b->blobs[i].digest));
            if (rename(b->blobs[i].tmp, dest) < 0)
                r = error_set(err, errno, "rename %s to %s", b->blobs[i].tmp, dest);
        }
        unlink(b->blobs[i].tmp); /* gone already after a rename */
        free(b->blobs[i].tmp);
    }
    b->n = 0;
    pthread_mutex_unlock(&b->mu);
    if (r == 0)
        store_sync_dir(s, STORE_BLOBS_DIR);
    return r;
}

void store_batch_free(struct store *s)
{
    if (s->batch == NULL)
        return;
    for (size_t i = 0; i < s->batch->n; i++) {
        unlink(s->batch->blobs[i].tmp);
        free(s->batch->blobs[i].tmp);
    }
    free(s->batch->blobs);
    pthread_mutex_destroy(&s->batch->mu);
    free(s->batch);
    s->batch = NULL;
}

int store_flush(struct store *s, struct error **err)
{
    return store_batch_flush(s, err);
}
