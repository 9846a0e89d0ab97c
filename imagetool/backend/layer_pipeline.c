#include "imagetool/backend/layer_pipeline.h"

#include <pthread.h>
#include <stdlib.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"

struct layer_pipeline {
    struct store *s;
    const struct backend *b;
    struct import_watch watch;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    char **ready;     /* digests of the blobs in the store so far */
    bool import_over; /* no more blobs will come */
    bool started;
    pthread_t worker;
    struct manifest m;
};

/* The blob is in the store; false once the import is over without it. */
static bool wait_for(struct layer_pipeline *lp, const char *digest)
{
    pthread_mutex_lock(&lp->mu);
    while (!strv_contains(lp->ready, digest) && !lp->import_over)
        pthread_cond_wait(&lp->cv, &lp->mu);
    bool there = strv_contains(lp->ready, digest);
    pthread_mutex_unlock(&lp->mu);
    return there;
}

static bool layer_ready(void *ctx, size_t i)
{
    struct layer_pipeline *lp = ctx;
    return wait_for(lp, lp->m.layers[i].digest);
}

static void *work(void *arg)
{
    struct layer_pipeline *lp = arg;
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_FREE char *json = NULL;
    size_t len;
    struct image_config c = { 0 };
    if (!wait_for(lp, lp->m.config.digest) || store_blob_read(lp->s, lp->m.config.digest, &json, &len, &err) < 0 ||
        image_config_parse(json, len, &c, &err) < 0 ||
        (c.diff_ids && strv_len(c.diff_ids) == lp->m.n_layers &&
         lp->b->prepare(lp->s, &lp->m, &c, layer_ready, lp, &err) < 0))
        log_debug("pull pipeline stopped (unpack makes the rest): %s", err ? err->msg : "import over");
    image_config_clear(&c);
    return NULL;
}

static void on_manifest(void *ctx, const char *body, size_t len)
{
    struct layer_pipeline *lp = ctx;
    CLEANUP_ERROR struct error *err = NULL;
    if (lp->started || manifest_parse(body, len, &lp->m, &err) < 0)
        return;
    lp->started = pthread_create(&lp->worker, NULL, work, lp) == 0;
}

static void on_blob(void *ctx, const char *digest)
{
    struct layer_pipeline *lp = ctx;
    pthread_mutex_lock(&lp->mu);
    strv_append(&lp->ready, digest);
    pthread_cond_broadcast(&lp->cv);
    pthread_mutex_unlock(&lp->mu);
}

struct layer_pipeline *layer_pipeline_new(struct store *s, const struct backend *b)
{
    CLEANUP_ERROR struct error *err = NULL;
    /* taken here, once: the worker's store calls then find it held */
    if (b->prepare == NULL || store_lock(s, false, &err) < 0)
        return NULL;
    struct layer_pipeline *lp = xcalloc(1, sizeof(*lp));
    lp->s = s;
    lp->b = b;
    lp->watch = (struct import_watch){ .ctx = lp, .manifest = on_manifest, .blob = on_blob };
    pthread_mutex_init(&lp->mu, NULL);
    pthread_cond_init(&lp->cv, NULL);
    return lp;
}

const struct import_watch *layer_pipeline_watch(struct layer_pipeline *lp)
{
    return lp ? &lp->watch : NULL;
}

void layer_pipeline_end(struct layer_pipeline *lp)
{
    if (lp == NULL)
        return;
    pthread_mutex_lock(&lp->mu);
    lp->import_over = true;
    pthread_cond_broadcast(&lp->cv);
    pthread_mutex_unlock(&lp->mu);
    if (lp->started)
        pthread_join(lp->worker, NULL);
    manifest_clear(&lp->m);
    strv_free(lp->ready);
    pthread_cond_destroy(&lp->cv);
    pthread_mutex_destroy(&lp->mu);
    free(lp);
}
