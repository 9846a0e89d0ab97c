#include "imagetool/progress_unpack.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "common/xalloc.h"
#include "imagetool/progress.h"

#define TICK_NS 100000000L /* how often the offset of the blob being read is sampled */
#define NONE ((size_t)-1)

struct unpack_progress {
    struct store *store;
    struct progress *p;
    const struct manifest *m;
    bool *begun;      /* per layer */
    size_t cur;       /* the layer being read, or NONE */
    int fd;           /* its blob, as the backend opened it */
    dev_t dev;        /* to tell that fd from a later file given the same number */
    ino_t ino;
    uint64_t size;

    pthread_mutex_t mu;
    pthread_cond_t cv;
    pthread_t ticker;
    bool stop;
};

/* Under mu: how far the backend has read the current blob. */
static void sample(struct unpack_progress *u)
{
    struct stat st;
    if (u->cur == NONE || fstat(u->fd, &st) < 0 || st.st_dev != u->dev || st.st_ino != u->ino)
        return;
    off_t pos = lseek(u->fd, 0, SEEK_CUR);
    if (pos >= 0)
        progress_update(u->p, u->cur, (uint64_t)pos);
}

static void *tick(void *opaque)
{
    struct unpack_progress *u = opaque;
    pthread_mutex_lock(&u->mu);
    while (!u->stop) {
        struct timespec t;
        clock_gettime(CLOCK_MONOTONIC, &t);
        t.tv_nsec += TICK_NS;
        if (t.tv_nsec >= 1000000000L)
            t.tv_sec++, t.tv_nsec -= 1000000000L;
        if (pthread_cond_timedwait(&u->cv, &u->mu, &t) == ETIMEDOUT)
            sample(u);
    }
    pthread_mutex_unlock(&u->mu);
    return NULL;
}

/* Under mu: the current layer is read to its end. */
static void finish_current(struct unpack_progress *u)
{
    if (u->cur == NONE)
        return;
    char size[16], status[64];
    progress_format_bytes((double)u->size, size, sizeof(size));
    snprintf(status, sizeof(status), "Unpacked layer %zu of %zu (%s)", u->cur + 1, u->m->n_layers, size);
    progress_update(u->p, u->cur, u->size);
    progress_finish(u->p, u->cur, status);
    u->cur = NONE;
}

/* store_watch_blobs: a blob was opened; if it is a layer not begun yet,
 * the previous one is done and this one starts. */
static void blob_opened(void *ctx, const char *digest, int fd)
{
    struct unpack_progress *u = ctx;
    size_t i = 0;
    while (i < u->m->n_layers && (u->begun[i] || strcmp(u->m->layers[i].digest, digest) != 0))
        i++;
    struct stat st;
    if (i == u->m->n_layers || fstat(fd, &st) < 0)
        return;
    pthread_mutex_lock(&u->mu);
    finish_current(u);
    u->begun[i] = true;
    u->cur = i;
    u->fd = fd;
    u->dev = st.st_dev;
    u->ino = st.st_ino;
    u->size = (uint64_t)st.st_size;
    char status[64];
    snprintf(status, sizeof(status), "Unpacking layer %zu of %zu", i + 1, u->m->n_layers);
    progress_begin(u->p, i, status);
    progress_update(u->p, i, 0);
    pthread_mutex_unlock(&u->mu);
}

bool unpack_progress_wanted(bool quiet)
{
    struct progress *p = progress_new(quiet, -1);
    bool live = !quiet && progress_is_live(p);
    progress_free(p);
    return live;
}

struct unpack_progress *unpack_progress_start(struct store *s, const struct manifest *m, bool quiet, int tty)
{
    struct progress *p = progress_new(quiet, tty);
    if (quiet || !progress_is_live(p) || m->n_layers == 0) {
        progress_free(p);
        return NULL;
    }
    struct unpack_progress *u = xcalloc(1, sizeof(*u));
    u->store = s;
    u->p = p;
    u->m = m;
    u->cur = NONE;
    u->begun = xcalloc(m->n_layers, sizeof(*u->begun));
    for (size_t i = 0; i < m->n_layers; i++)
        progress_add(p, m->layers[i].digest, m->layers[i].size);
    progress_flush(p);
    pthread_mutex_init(&u->mu, NULL);
    pthread_condattr_t ca;
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&u->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&u->ticker, NULL, tick, u) != 0)
        u->stop = true; /* no live bytes; the layer lines still come */
    store_watch_blobs(s, blob_opened, u);
    return u;
}

void unpack_progress_end(struct unpack_progress *u, bool ok)
{
    if (u == NULL)
        return;
    store_watch_blobs(u->store, NULL, NULL);
    pthread_mutex_lock(&u->mu);
    bool running = !u->stop;
    u->stop = true;
    pthread_cond_signal(&u->cv);
    pthread_mutex_unlock(&u->mu);
    if (running)
        pthread_join(u->ticker, NULL);
    if (ok)
        finish_current(u);
    else if (u->cur != NONE)
        progress_fail(u->p, u->cur, "unpack failed");
    for (size_t i = 0; ok && i < u->m->n_layers; i++)
        if (!u->begun[i])
            progress_finish(u->p, i, "Already exists");
    progress_flush(u->p);
    pthread_cond_destroy(&u->cv);
    pthread_mutex_destroy(&u->mu);
    progress_free(u->p);
    free(u->begun);
    free(u);
}
