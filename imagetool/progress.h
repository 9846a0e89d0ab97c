/* Pull and unpack progress: on a terminal, one live bar per blob (bytes
 * and speed, like docker pull); otherwise, for pulls, one plain line per
 * blob when it is done; nothing with --quiet. Output goes to stderr.
 * Unpack's use of it is imagetool/progress_unpack.h. */
#ifndef IMAGETOOL_PROGRESS_H
#define IMAGETOOL_PROGRESS_H

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>

struct progress;

/* tty: -1 to ask isatty(stderr), else forced (tests). */
struct progress *progress_new(bool quiet, int tty);
void progress_free(struct progress *p);
/* Whether it draws live bars (a terminal and not quiet). */
bool progress_is_live(const struct progress *p);

/* A new line for a blob; returns its index. */
size_t progress_add(struct progress *p, const char *digest, uint64_t total);
void progress_update(struct progress *p, size_t i, uint64_t done);
/* Start a line with its own status ("Unpacking layer 2 of 5"); without it
 * the first update says "Downloading". */
void progress_begin(struct progress *p, size_t i, const char *status);
/* A transient problem that will be retried ("HTTP 500", "connection reset"). */
void progress_retry(struct progress *p, size_t i, const char *why);
/* Final state: "Pull complete", "Already exists". */
void progress_finish(struct progress *p, size_t i, const char *status);
void progress_fail(struct progress *p, size_t i, const char *why);
/* Redraw now (at the end) regardless of the rate limit. */
void progress_flush(struct progress *p);

/* "12.3MB" (decimal units, as docker prints them). */
void progress_format_bytes(double bytes, char *buf, size_t len);

#endif
