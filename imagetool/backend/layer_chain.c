#include "imagetool/backend/layer_chain.h"

#include <pthread.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/below_view.h"
#include "imagetool/backend/layer_image.h"

/* Layer images made at once: a conversion is bound by its one inflating
 * thread and ends with its metadata alone, so one at a time leaves a core
 * idle. More would only share the same cores and hold more trees. */
#define PARALLEL_IMAGES 2

static int ensure_one(struct store *s, const struct store_layer *l, enum layer_form form, struct store_made *made,
                      char **path, struct error **err)
{
    if (form == LAYER_SQUASHFS)
        return store_layer_image_ensure(s, l, SQUASHFS_SUFFIX, squashfs_from_layer, made, path, err);
    if (form == LAYER_EROFS)
        return store_layer_image_ensure(s, l, EROFS_SUFFIX, erofs_from_layer, made, path, err);
    return store_layer_ensure(s, l, made, path, err);
}

/* Layers 0..n-1 bottom first, those not cached yet under temp names in made. */
static int walk(struct store *s, const struct manifest *m, const struct image_config *c, enum layer_form form,
                layer_wait_fn wait, void *ctx, struct store_made *made, char ***bottom_first, struct error **err)
{
    CLEANUP_STRV char **chain = image_chain_ids(c->diff_ids);
    for (size_t i = 0; i < m->n_layers; i++) {
        if (wait && !wait(ctx, i))
            return 1;
        CLEANUP_FREE char *path = NULL;
        struct below_view v;
        struct store_layer l = { .blob_digest = m->layers[i].digest, .diff_id = c->diff_ids[i],
                                 .chain_id = chain[i],
                                 .below = below_view_init(&v, *bottom_first, form != LAYER_DIR) };
        int r = ensure_one(s, &l, form, made, &path, err);
        below_view_clear(&v);
        if (r < 0)
            return error_prefix(err, "layer %zu (%s)", i + 1, m->layers[i].digest);
        strv_append(bottom_first, path);
    }
    return 0;
}

/* The parallel walk: threads take layers bottom first; a layer needs the
 * ones below only when an entry's parent is not its own (layer/below.c),
 * and its view then waits until they are made. Layers below are always
 * taken before, so a wait always ends. */
struct job {
    char *path; /* the image (temp name when made here) */
    struct error *err;
    bool over;
};

struct pwalk {
    struct store *s;
    const struct manifest *m;
    const struct image_config *c;
    enum layer_form form;
    layer_wait_fn wait;
    void *ctx;
    char **chain;
    struct job *jobs;
    size_t next;      /* the next layer to take */
    bool stopped;     /* take no more: a layer failed or wait said stop */
    bool waited_out;  /* wait said stop */
    struct store_made made;
    pthread_mutex_t mu;
    pthread_cond_t cv;
};

struct waiting_below {
    struct layer_below base;
    struct pwalk *w;
    size_t layer;
    char **lower;
    struct below_view v;
    bool made;
    bool below_stopped; /* a layer below was never made: wait said stop there */
};

/* How many layers from the bottom are made; waits until those below
 * layer are all over. */
static size_t made_below(struct pwalk *w, size_t layer)
{
    pthread_mutex_lock(&w->mu);
    size_t j = 0;
    for (;;) {
        while (j < layer && w->jobs[j].over && w->jobs[j].path)
            j++;
        if (j == layer || w->jobs[j].over)
            break;
        pthread_cond_wait(&w->cv, &w->mu);
    }
    pthread_mutex_unlock(&w->mu);
    return j;
}

static int waiting_root(struct layer_below *b, struct error **err)
{
    struct waiting_below *wb = (struct waiting_below *)b;
    if (!wb->made) {
        size_t n = made_below(wb->w, wb->layer);
        if (n < wb->layer) {
            wb->below_stopped = wb->w->jobs[n].err == NULL;
            return error_setc(err, EXIT_FAIL, 0, "layer %zu below was not made", n + 1);
        }
        for (size_t k = 0; k < n; k++)
            strv_append(&wb->lower, wb->w->jobs[k].path);
        below_view_init(&wb->v, wb->lower, true);
        wb->made = true;
    }
    return wb->v.base.root(&wb->v.base, err);
}

static void job_over(struct pwalk *w, size_t i, char *path, struct error *err, struct store_made *made, bool go)
{
    pthread_mutex_lock(&w->mu);
    w->jobs[i] = (struct job){ .path = path, .err = err, .over = true };
    w->waited_out |= !go;
    w->stopped |= !go || err;
    for (size_t k = 0; made->tmp && made->tmp[k]; k++)
        store_made_add(&w->made, made->tmp[k], made->final[k], made->dirs[0]);
    pthread_cond_broadcast(&w->cv);
    pthread_mutex_unlock(&w->mu);
    store_made_clear(made);
}

static void run_job(struct pwalk *w, size_t i)
{
    bool go = w->wait == NULL || w->wait(w->ctx, i);
    struct store_made made = { 0 };
    char *path = NULL;
    struct error *err = NULL;
    if (go) {
        struct waiting_below wb = { .base = { .root = waiting_root }, .w = w, .layer = i };
        struct store_layer l = { .blob_digest = w->m->layers[i].digest, .diff_id = w->c->diff_ids[i],
                                 .chain_id = w->chain[i], .below = i ? &wb.base : NULL };
        if (ensure_one(w->s, &l, w->form, &made, &path, &err) < 0)
            error_prefix(&err, "layer %zu (%s)", i + 1, w->m->layers[i].digest);
        if (err && wb.below_stopped) { /* a stop below, not a failure here */
            error_free(TAKE_PTR(err));
            go = false;
        }
        if (wb.made)
            below_view_clear(&wb.v);
        strv_free(wb.lower);
    }
    job_over(w, i, path, err, &made, go);
}

static void *worker(void *arg)
{
    struct pwalk *w = arg;
    for (;;) {
        pthread_mutex_lock(&w->mu);
        bool done = w->stopped || w->next >= w->m->n_layers;
        size_t i = done ? 0 : w->next++;
        pthread_mutex_unlock(&w->mu);
        if (done)
            return NULL;
        run_job(w, i);
    }
}

/* As walk; the error is the lowest failed layer's (the one a walk in order
 * would meet first). */
static int walk_parallel(struct pwalk *w, char ***bottom_first, struct error **err)
{
    pthread_t threads[PARALLEL_IMAGES];
    size_t started = 0;
    while (started < PARALLEL_IMAGES && started < w->m->n_layers &&
           pthread_create(&threads[started], NULL, worker, w) == 0)
        started++;
    if (started == 0)
        worker(w);
    for (size_t t = 0; t < started; t++)
        pthread_join(threads[t], NULL);
    int r = w->waited_out ? 1 : 0;
    for (size_t i = 0; i < w->m->n_layers; i++) {
        if (w->jobs[i].err && r >= 0) {
            error_move(err, &w->jobs[i].err);
            r = -1;
        }
        if (r == 0 && w->jobs[i].path)
            strv_append(bottom_first, w->jobs[i].path);
    }
    return r;
}

static int walk_images(struct store *s, const struct manifest *m, const struct image_config *c, enum layer_form form,
                       layer_wait_fn wait, void *ctx, struct store_made *made, char ***bottom_first,
                       struct error **err)
{
    if (store_lock(s, false, err) < 0) /* taken once, before the threads look */
        return -1;
    struct pwalk w = { .s = s, .m = m, .c = c, .form = form, .wait = wait, .ctx = ctx };
    w.chain = image_chain_ids(c->diff_ids);
    w.jobs = xcalloc(m->n_layers ? m->n_layers : 1, sizeof(*w.jobs));
    pthread_mutex_init(&w.mu, NULL);
    pthread_cond_init(&w.cv, NULL);
    int r = walk_parallel(&w, bottom_first, err);
    *made = w.made;
    for (size_t i = 0; i < m->n_layers; i++) {
        free(w.jobs[i].path);
        error_free(w.jobs[i].err);
    }
    free(w.jobs);
    strv_free(w.chain);
    pthread_cond_destroy(&w.cv);
    pthread_mutex_destroy(&w.mu);
    return r;
}

/* Threads pay only with two layers or more to convert (a further bundle
 * of an image in the store converts none: no thread is started); unpack's
 * live progress shows one layer at a time, so with it the layers go so. */
static bool worth_threads(struct store *s, const struct image_config *c, enum layer_form form)
{
    if (form == LAYER_DIR || sysconf(_SC_NPROCESSORS_ONLN) < 2 || store_blobs_watched(s))
        return false;
    CLEANUP_STRV char **chain = image_chain_ids(c->diff_ids);
    const char *suffix = form == LAYER_EROFS ? EROFS_SUFFIX : SQUASHFS_SUFFIX;
    size_t missing = 0;
    for (size_t i = 0; chain[i] && missing < 2; i++)
        missing += !store_layer_image_cached(s, chain[i], suffix);
    return missing >= 2;
}

int layer_chain_ensure(struct store *s, const struct manifest *m, const struct image_config *c, enum layer_form form,
                       layer_wait_fn wait, void *ctx, char ***bottom_first, struct error **err)
{
    struct store_made made = { 0 };
    bool parallel = m->n_layers > 1 && worth_threads(s, c, form);
    int r = parallel ? walk_images(s, m, c, form, wait, ctx, &made, bottom_first, err)
                     : walk(s, m, c, form, wait, ctx, &made, bottom_first, err);
    if (r < 0) {
        store_made_abort(&made);
        return -1;
    }
    /* a walk stopped early keeps what it made: each layer is complete */
    return store_made_commit(s, &made, *bottom_first, err) < 0 ? -1 : r;
}
