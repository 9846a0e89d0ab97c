#include "imagetool/progress.h"

#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

#define BAR_WIDTH 40
#define REDRAW_INTERVAL_S 0.1
#define SHORT_ID_LEN 12

enum line_state { LINE_WAITING, LINE_ACTIVE, LINE_DONE, LINE_FAILED };

struct line {
    char id[SHORT_ID_LEN + 1];
    uint64_t total, done;
    double started;
    enum line_state state;
    char status[96];
};

struct progress {
    bool quiet, tty;
    struct line *lines;
    size_t n;
    size_t drawn; /* lines printed by the last redraw */
    double last_draw;
};

static double now_s(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

void progress_format_bytes(double bytes, char *buf, size_t len)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
    size_t u = 0;
    while (bytes >= 1000 && u < 4)
        bytes /= 1000, u++;
    snprintf(buf, len, u == 0 ? "%.0f%s" : "%.1f%s", bytes, units[u]);
}

struct progress *progress_new(bool quiet, int tty)
{
    struct progress *p = xcalloc(1, sizeof(*p));
    p->quiet = quiet;
    p->tty = tty < 0 ? isatty(STDERR_FILENO) : tty != 0;
    return p;
}

bool progress_is_live(const struct progress *p)
{
    return !p->quiet && p->tty;
}

void progress_free(struct progress *p)
{
    if (p == NULL)
        return;
    free(p->lines);
    free(p);
}

size_t progress_add(struct progress *p, const char *digest, uint64_t total)
{
    p->lines = xrealloc(p->lines, (p->n + 1) * sizeof(*p->lines));
    struct line *l = &p->lines[p->n];
    memset(l, 0, sizeof(*l));
    const char *hex = strchr(digest, ':');
    snprintf(l->id, sizeof(l->id), "%s", hex ? hex + 1 : digest);
    l->total = total;
    snprintf(l->status, sizeof(l->status), "Waiting");
    return p->n++;
}

static void draw_line(const struct line *l, double t)
{
    char done[16], total[16], speed[16];
    if (l->state != LINE_ACTIVE) {
        fprintf(stderr, "\033[2K%s: %s\n", l->id, l->status);
        return;
    }
    double elapsed = t - l->started;
    progress_format_bytes((double)l->done, done, sizeof(done));
    progress_format_bytes((double)l->total, total, sizeof(total));
    progress_format_bytes(elapsed > 0.05 ? (double)l->done / elapsed : 0, speed, sizeof(speed));
    int filled = l->total ? (int)((double)l->done / (double)l->total * BAR_WIDTH) : 0;
    if (filled > BAR_WIDTH)
        filled = BAR_WIDTH;
    char bar[BAR_WIDTH + 1];
    for (int i = 0; i < BAR_WIDTH; i++)
        bar[i] = i < filled - 1 ? '=' : i == filled - 1 ? '>' : ' ';
    bar[BAR_WIDTH] = '\0';
    fprintf(stderr, "\033[2K%s: %s [%s] %s/%s %s/s\n", l->id, l->status, bar, done, total, speed);
}

static void redraw(struct progress *p, bool force)
{
    double t = now_s();
    if (!force && t - p->last_draw < REDRAW_INTERVAL_S)
        return;
    p->last_draw = t;
    if (p->drawn)
        fprintf(stderr, "\033[%zuA", p->drawn);
    for (size_t i = 0; i < p->n; i++)
        draw_line(&p->lines[i], t);
    p->drawn = p->n;
    fflush(stderr);
}

void progress_flush(struct progress *p)
{
    if (!p->quiet && p->tty)
        redraw(p, true);
}

void progress_begin(struct progress *p, size_t i, const char *status)
{
    struct line *l = &p->lines[i];
    l->state = LINE_ACTIVE;
    l->started = now_s();
    snprintf(l->status, sizeof(l->status), "%s", status);
    if (!p->quiet && p->tty)
        redraw(p, true);
}

void progress_update(struct progress *p, size_t i, uint64_t done)
{
    struct line *l = &p->lines[i];
    if (l->state == LINE_WAITING)
        progress_begin(p, i, "Downloading");
    l->done = done;
    if (!p->quiet && p->tty)
        redraw(p, false);
}

void progress_retry(struct progress *p, size_t i, const char *why)
{
    struct line *l = &p->lines[i];
    if (p->quiet)
        return;
    if (p->tty) {
        snprintf(l->status, sizeof(l->status), "Retrying (%s)", why);
        redraw(p, true);
        snprintf(l->status, sizeof(l->status), "Downloading");
    } else {
        fprintf(stderr, "%s: retrying (%s)\n", l->id, why);
    }
}

void progress_finish(struct progress *p, size_t i, const char *status)
{
    struct line *l = &p->lines[i];
    double elapsed = l->state == LINE_ACTIVE ? now_s() - l->started : 0;
    bool downloaded = l->state == LINE_ACTIVE;
    l->state = LINE_DONE;
    snprintf(l->status, sizeof(l->status), "%s", status);
    if (p->quiet)
        return;
    if (p->tty) {
        redraw(p, true);
        return;
    }
    if (!downloaded) {
        fprintf(stderr, "%s: %s\n", l->id, status);
        return;
    }
    char size[16], speed[16];
    progress_format_bytes((double)l->done, size, sizeof(size));
    if (elapsed < 0.01) { /* too short for a meaningful speed */
        fprintf(stderr, "%s: %s (%s in %.2fs)\n", l->id, status, size, elapsed);
        return;
    }
    progress_format_bytes((double)l->done / elapsed, speed, sizeof(speed));
    fprintf(stderr, "%s: %s (%s in %.2fs, %s/s)\n", l->id, status, size, elapsed, speed);
}

void progress_fail(struct progress *p, size_t i, const char *why)
{
    struct line *l = &p->lines[i];
    l->state = LINE_FAILED;
    snprintf(l->status, sizeof(l->status), "Failed: %s", why);
    if (p->quiet)
        return;
    if (p->tty)
        redraw(p, true);
    else
        fprintf(stderr, "%s: %s\n", l->id, l->status);
}
