/* One blob download as a small state machine over curl hops: a hop is one
 * HTTP request; redirects, a renewed token or a retry start a new hop on
 * the same job, which keeps its store writer across hops. */
#ifndef IMAGETOOL_REGISTRY_BLOB_JOB_H
#define IMAGETOOL_REGISTRY_BLOB_JOB_H

#include <curl/curl.h>
#include <stdbool.h>
#include <stdint.h>

#include "imagetool/image/image.h"
#include "imagetool/progress.h"
#include "imagetool/registry/client.h"
#include "imagetool/store/store.h"

enum job_state { JOB_PENDING, JOB_RUNNING, JOB_WAITING, JOB_DONE, JOB_FAILED };

struct blob_job {
    struct registry *r;
    struct store *s;
    const struct descriptor *d;
    struct progress *p;
    size_t line;
    struct blob_writer *w;
    CURL *easy;
    struct curl_slist *headers;
    struct http_response resp; /* headers, and the body of a non-2xx answer */
    char *url;
    char errbuf[CURL_ERROR_SIZE];
    uint64_t received;   /* bytes accepted: in the writer or in buf */
    char *buf;           /* curl hands over 16 KiB at a time; the store gets more */
    size_t buf_len;
    uint64_t hop_offset; /* where this hop's Range started */
    long hop_status;     /* status seen by the body callback, 0 before the body */
    bool hop_to_writer;  /* this hop's body is blob data */
    bool range_refused;  /* a 206 for the wrong range: start over */
    bool stalled;        /* no byte for http_stall_seconds() */
    double last_data;    /* when the last byte (or the hop's start) came */
    int attempt, redirects;
    bool reauthed;
    double retry_at;
    enum job_state state;
    bool told;         /* the import's watch knows the blob is in the store */
    struct error *err; /* why the job failed */
};

void blob_job_init(struct blob_job *j, struct registry *r, struct store *s, const struct descriptor *d,
                   struct progress *p);
/* Start a hop on multi; on failure the job is JOB_FAILED. */
void blob_job_start(struct blob_job *j, CURLM *multi);
/* A hop finished with rc: commit, retry, follow or fail. */
void blob_job_done(struct blob_job *j, CURLM *multi, CURLcode rc);
/* Stop any hop and drop the temp file. */
void blob_job_clear(struct blob_job *j, CURLM *multi);

double monotonic_s(void);

#endif
