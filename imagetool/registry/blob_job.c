#include "imagetool/registry/blob_job.h"

#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"

#define BLOB_RECV_BUFFER (512L * 1024)

double monotonic_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void blob_job_init(struct blob_job *j, struct registry *r, struct store *s, const struct descriptor *d,
                   struct progress *p)
{
    memset(j, 0, sizeof(*j));
    j->r = r;
    j->s = s;
    j->d = d;
    j->p = p;
    j->attempt = 1;
    j->state = JOB_PENDING;
    CLEANUP_FREE char *what = xasprintf("blobs/%s", d->digest);
    j->url = registry_url(r, what);
}

static void fail(struct blob_job *j)
{
    store_blob_abort(j->w);
    j->w = NULL;
    j->state = JOB_FAILED;
    error_prefix(&j->err, "blob %s", j->d->digest);
    progress_fail(j->p, j->line, "error");
}

static void reset_writer(struct blob_job *j)
{
    store_blob_abort(j->w);
    j->w = NULL;
    j->received = 0;
    j->buf_len = 0;
}

/* Hand the buffered bytes to the store's writer. */
static int flush(struct blob_job *j)
{
    if (j->buf_len == 0)
        return 0;
    int rc = blob_writer_write(j->w, j->buf, j->buf_len, &j->err);
    j->buf_len = 0;
    return rc;
}

static int append(struct blob_job *j, const char *data, size_t len)
{
    if (j->buf == NULL)
        j->buf = xmalloc(BLOB_RECV_BUFFER);
    if (j->buf_len + len > BLOB_RECV_BUFFER && flush(j) < 0)
        return -1;
    if (len > BLOB_RECV_BUFFER)
        return blob_writer_write(j->w, data, len, &j->err);
    memcpy(j->buf + j->buf_len, data, len);
    j->buf_len += len;
    return 0;
}

/* The first body bytes of a hop: decide where they go. */
static int classify_hop(struct blob_job *j)
{
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &j->hop_status);
    j->hop_to_writer = j->hop_status == 200 || j->hop_status == 206;
    if (j->hop_status == 200 && j->received > 0) {
        log_debug("%s: server ignored the Range request; starting over", j->d->digest);
        reset_writer(j);
        if (store_blob_begin(j->s, j->d->digest, &j->w, &j->err) < 0)
            return -1;
    }
    if (j->hop_status == 206) {
        char want[48];
        snprintf(want, sizeof(want), "bytes %" PRIu64 "-", j->hop_offset);
        if (j->resp.content_range == NULL || strncmp(j->resp.content_range, want, strlen(want)) != 0) {
            j->range_refused = true;
            return -1;
        }
    }
    return 0;
}

static size_t write_cb(char *buf, size_t size, size_t n, void *userdata)
{
    struct blob_job *j = userdata;
    size_t len = size * n;
    if (j->hop_status == 0 && classify_hop(j) < 0)
        return 0;
    if (!j->hop_to_writer)
        return http_body_cb(buf, size, n, &j->resp);
    if (j->received + len > j->d->size) {
        error_setc(&j->err, EXIT_INVALID, 0, "the registry sent more than the %" PRIu64 " bytes of its descriptor",
                   j->d->size);
        return 0;
    }
    if (append(j, buf, len) < 0)
        return 0;
    j->received += len;
    j->last_data = monotonic_s();
    progress_update(j->p, j->line, j->received);
    return len;
}

/* curl's own low-speed limit averages over a window of seconds; a stall
 * after a fast start is seen sooner by watching the last byte's time. */
static int xferinfo_cb(void *userdata, curl_off_t dltotal, curl_off_t dlnow, curl_off_t ultotal, curl_off_t ulnow)
{
    (void)dltotal, (void)dlnow, (void)ultotal, (void)ulnow;
    struct blob_job *j = userdata;
    if (monotonic_s() - j->last_data > (double)http_stall_seconds()) {
        j->stalled = true;
        return 1;
    }
    return 0;
}

static int setup_hop(struct blob_job *j, struct error **err)
{
    if (j->w == NULL && store_blob_begin(j->s, j->d->digest, &j->w, err) < 0)
        return -1;
    if (registry_headers(j->r, j->url, NULL, &j->headers, err) < 0)
        return -1;
    if (j->received > 0) {
        char range[64];
        snprintf(range, sizeof(range), "Range: bytes=%" PRIu64 "-", j->received);
        j->headers = curl_slist_append(j->headers, range);
    }
    http_response_reset(&j->resp);
    struct tls_config tls;
    registry_tls_for(j->r, j->url, &tls);
    j->easy = http_easy_new(j->url, &tls, &j->resp, j->r->share);
    tls_config_clear(&tls);
    j->errbuf[0] = '\0';
    curl_easy_setopt(j->easy, CURLOPT_ERRORBUFFER, j->errbuf);
    curl_easy_setopt(j->easy, CURLOPT_HTTPHEADER, j->headers);
    curl_easy_setopt(j->easy, CURLOPT_WRITEFUNCTION, write_cb);
    curl_easy_setopt(j->easy, CURLOPT_WRITEDATA, j);
    curl_easy_setopt(j->easy, CURLOPT_PRIVATE, j);
    /* Fewer, larger reads (and writes to the store) than curl's 16 KiB. */
    curl_easy_setopt(j->easy, CURLOPT_BUFFERSIZE, BLOB_RECV_BUFFER);
    curl_easy_setopt(j->easy, CURLOPT_XFERINFOFUNCTION, xferinfo_cb);
    curl_easy_setopt(j->easy, CURLOPT_XFERINFODATA, j);
    curl_easy_setopt(j->easy, CURLOPT_NOPROGRESS, 0L);
    j->last_data = monotonic_s();
    j->stalled = false;
    j->hop_offset = j->received;
    j->hop_status = 0;
    j->hop_to_writer = false;
    j->range_refused = false;
    return 0;
}

void blob_job_start(struct blob_job *j, CURLM *multi)
{
    if (setup_hop(j, &j->err) < 0) {
        fail(j);
        return;
    }
    log_debug("GET %s%s", j->url, j->received ? " (resuming)" : "");
    curl_multi_add_handle(multi, j->easy);
    j->state = JOB_RUNNING;
}

static void end_hop(struct blob_job *j, CURLM *multi)
{
    if (j->easy) {
        curl_multi_remove_handle(multi, j->easy);
        curl_easy_cleanup(j->easy);
        j->easy = NULL;
    }
    curl_slist_free_all(j->headers);
    j->headers = NULL;
}

/* Back to the registry's URL after a pause (a redirect target may have
 * expired meanwhile). */
static void retry_later(struct blob_job *j, const char *why)
{
    if (j->attempt >= http_max_attempts()) {
        error_setc(&j->err, EXIT_NETWORK, 0, "giving up after %d tries: %s", j->attempt, why);
        fail(j);
        return;
    }
    log_debug("%s: %s; retry %d", j->d->digest, why, j->attempt);
    progress_retry(j->p, j->line, why);
    j->retry_at = monotonic_s() + (double)http_backoff_ms(j->attempt) / 1000.0;
    j->attempt++;
    free(j->url);
    CLEANUP_FREE char *what = xasprintf("blobs/%s", j->d->digest);
    j->url = registry_url(j->r, what);
    j->redirects = 0;
    j->reauthed = false; /* a long pull may outlive more than one token */
    j->state = JOB_WAITING;
}

static void commit(struct blob_job *j)
{
    char digest[DIGEST_STR_LEN + 1];
    if (flush(j) < 0) {
        fail(j);
        return;
    }
    struct blob_writer *w = TAKE_PTR(j->w);
    if (store_blob_commit(w, digest, &j->err) < 0) {
        fail(j);
        return;
    }
    j->state = JOB_DONE;
    progress_finish(j->p, j->line, "Pull complete");
}

static void finished_transfer(struct blob_job *j, CURLM *multi, long status, const char *redirect)
{
    bool is_redirect = status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    char why[128];
    if (is_redirect && redirect) {
        if (++j->redirects > HTTP_MAX_REDIRECTS) {
            error_setc(&j->err, EXIT_NETWORK, 0, "more than %d redirects", HTTP_MAX_REDIRECTS);
            fail(j);
            return;
        }
        free(j->url);
        j->url = xstrdup(redirect);
        blob_job_start(j, multi);
    } else if (status == 401 && !j->reauthed && registry_is_origin(j->r, j->url)) {
        j->reauthed = true;
        int n = registry_reauth(j->r, &j->resp, &j->err);
        if (n < 0)
            fail(j);
        else if (n == 0)
            finished_transfer(j, multi, status, NULL); /* no new credentials: report the 401 */
        else
            blob_job_start(j, multi);
    } else if (status == 200 || status == 206) {
        if (j->received == j->d->size)
            commit(j);
        snprintf(why, sizeof(why), "body ended after %" PRIu64 " of %" PRIu64 " bytes", j->received, j->d->size);
        if (j->state == JOB_RUNNING)
            retry_later(j, why);
    } else if (http_status_retryable(status)) {
        snprintf(why, sizeof(why), "HTTP %ld", status);
        retry_later(j, why);
    } else {
        http_status_error(&j->err, &j->resp, j->url);
        fail(j);
    }
}

void blob_job_done(struct blob_job *j, CURLM *multi, CURLcode rc)
{
    char *loc = NULL;
    long status = 0;
    curl_easy_getinfo(j->easy, CURLINFO_REDIRECT_URL, &loc);
    curl_easy_getinfo(j->easy, CURLINFO_RESPONSE_CODE, &status);
    CLEANUP_FREE char *redirect = loc ? xstrdup(loc) : NULL;
    end_hop(j, multi);
    if (j->w && flush(j) < 0) {
        fail(j);
        return;
    }
    if (rc == CURLE_OK) {
        finished_transfer(j, multi, status, redirect);
        return;
    }
    if (j->err != NULL && !j->range_refused) {
        fail(j);
    } else if (j->range_refused) {
        reset_writer(j);
        retry_later(j, "server answered a different range");
    } else if (j->stalled) {
        char why[64];
        snprintf(why, sizeof(why), "no data for %ld s", http_stall_seconds());
        retry_later(j, why);
    } else if (http_curl_retryable(rc)) {
        retry_later(j, j->errbuf[0] ? j->errbuf : curl_easy_strerror(rc));
    } else {
        http_curl_error(&j->err, rc, j->url, j->errbuf);
        fail(j);
    }
}

void blob_job_clear(struct blob_job *j, CURLM *multi)
{
    end_hop(j, multi);
    store_blob_abort(j->w);
    j->w = NULL;
    http_response_clear(&j->resp);
    free(j->url);
    free(j->buf);
    error_free(j->err);
    memset(j, 0, sizeof(*j));
}
