#include "imagetool/registry/blobs.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/registry/blob_job.h"

static int parallel_downloads(void)
{
    const char *env = getenv("IMAGETOOL_PARALLEL_DOWNLOADS");
    long v = env ? strtol(env, NULL, 10) : 0;
    return v > 0 && v <= 32 ? (int)v : BLOBS_PARALLEL_DEFAULT;
}

/* Start what may start now; returns how many jobs are not finished. */
static size_t start_ready(struct blob_job *jobs, size_t n, CURLM *multi, int max)
{
    int running = 0;
    size_t open = 0;
    double now = monotonic_s();
    for (size_t i = 0; i < n; i++)
        running += jobs[i].state == JOB_RUNNING;
    for (size_t i = 0; i < n; i++) {
        struct blob_job *j = &jobs[i];
        bool ready = j->state == JOB_PENDING || (j->state == JOB_WAITING && now >= j->retry_at);
        if (ready && running < max) {
            blob_job_start(j, multi);
            running += j->state == JOB_RUNNING;
        }
        open += j->state != JOB_DONE && j->state != JOB_FAILED;
    }
    return open;
}

/* Milliseconds until a waiting job may retry (at most 1 s). */
static int poll_timeout_ms(const struct blob_job *jobs, size_t n)
{
    double now = monotonic_s(), wait = 1.0;
    for (size_t i = 0; i < n; i++)
        if (jobs[i].state == JOB_WAITING && jobs[i].retry_at - now < wait)
            wait = jobs[i].retry_at - now;
    return wait <= 0 ? 0 : (int)(wait * 1000) + 1;
}

static struct blob_job *first_failed(struct blob_job *jobs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        if (jobs[i].state == JOB_FAILED)
            return &jobs[i];
    return NULL;
}

/* Hand finished transfers to their jobs; returns how many finished. */
static int collect_done(CURLM *multi)
{
    CURLMsg *msg;
    int left, n = 0;
    while ((msg = curl_multi_info_read(multi, &left)) != NULL) {
        if (msg->msg != CURLMSG_DONE)
            continue;
        struct blob_job *j = NULL;
        CURL *easy = msg->easy_handle;
        CURLcode rc = msg->data.result;
        curl_easy_getinfo(easy, CURLINFO_PRIVATE, (char **)&j);
        blob_job_done(j, multi, rc);
        n++;
    }
    return n;
}

static void tell_done(struct blob_job *jobs, size_t n, const struct import_watch *w)
{
    for (size_t i = 0; w && i < n; i++) {
        if (jobs[i].state == JOB_DONE && !jobs[i].told)
            w->blob(w->ctx, jobs[i].d->digest);
        jobs[i].told = jobs[i].told || jobs[i].state == JOB_DONE;
    }
}

static int run_jobs(struct blob_job *jobs, size_t n, CURLM *multi, const struct import_watch *w, struct error **err)
{
    int max = parallel_downloads();
    for (;;) {
        tell_done(jobs, n, w);
        size_t open = start_ready(jobs, n, multi, max);
        struct blob_job *bad = first_failed(jobs, n);
        if (bad) {
            *err = TAKE_PTR(bad->err);
            return -1;
        }
        if (open == 0)
            return 0;
        int running;
        if (curl_multi_perform(multi, &running) != CURLM_OK)
            return error_setc(err, EXIT_FAIL, 0, "curl_multi_perform failed");
        /* A finished transfer frees a slot (or ends the pull): no waiting. */
        if (collect_done(multi) > 0)
            continue;
        curl_multi_poll(multi, NULL, 0, poll_timeout_ms(jobs, n), NULL);
    }
}

int blobs_fetch(struct registry *r, struct store *s, const struct descriptor *descs, size_t n, struct progress *p,
                const struct import_watch *watch, struct error **err)
{
    struct blob_job *jobs = xcalloc(n ? n : 1, sizeof(*jobs));
    for (size_t i = 0; i < n; i++) {
        blob_job_init(&jobs[i], r, s, &descs[i], p);
        jobs[i].line = progress_add(p, descs[i].digest, descs[i].size);
    }
    for (size_t i = 0; i < n; i++) {
        bool dup = false;
        for (size_t k = 0; k < i; k++)
            dup = dup || !strcmp(descs[k].digest, descs[i].digest);
        if (dup || store_has_blob(s, descs[i].digest)) {
            jobs[i].state = JOB_DONE;
            progress_finish(p, jobs[i].line, "Already exists");
        }
    }
    CURLM *multi = curl_multi_init();
    if (multi == NULL)
        abort();
    int ret = run_jobs(jobs, n, multi, watch, err);
    progress_flush(p);
    for (size_t i = 0; i < n; i++)
        blob_job_clear(&jobs[i], multi);
    curl_multi_cleanup(multi);
    free(jobs);
    return ret;
}
