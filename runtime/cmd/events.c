/* runtime events [--stats] [--interval DURATION] ID: runc's event stream,
 * one JSON object a line: {"type":"stats","id":ID,"data":{...}} every
 * interval (once with --stats) and {"type":"oom","id":ID} when the kernel's
 * OOM killer acts in the container. Ends when the container stops. */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

/* Go's durations as runc takes them: "5s", "100ms", "1m30s", "1.5s"; a bare number is seconds. */
static int parse_interval(const char *text, long *ms, struct error **err)
{
    static const struct { const char *unit; double ms; } units[] = {
        {"ns", 1e-6}, {"us", 1e-3}, {"ms", 1}, {"s", 1000}, {"m", 60000}, {"h", 3600000},
    };
    double total = 0;
    const char *p = text;
    do {
        char *end;
        double v = strtod(p, &end);
        if (end == p || v < 0)
            goto bad;
        size_t ul = strspn(end, "nsumh");
        double mult = ul == 0 && end[0] == '\0' && p == text ? 1000 : -1;
        for (size_t i = 0; ul && i < sizeof(units) / sizeof(*units); i++)
            if (strlen(units[i].unit) == ul && strncmp(end, units[i].unit, ul) == 0)
                mult = units[i].ms;
        if (mult < 0)
            goto bad;
        total += v * mult;
        p = end + ul;
    } while (*p);
    if (total < 1)
        goto bad;
    *ms = (long)total;
    return 0;
bad:
    return cli_usage_error(err, "--interval: expected a positive duration (5s, 500ms, 1m), got '%s'", text);
}

static void print_event(const char *type, const char *id, const struct cgroup *stats_of)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_obj_open(g);
    jg_key_str(g, "type", type);
    jg_key_str(g, "id", id);
    if (stats_of) {
        jg_key(g, "data");
        cgroup_stats_emit(stats_of, g);
    }
    jg_obj_close(g);
    cmd_json_print(g);
    fflush(stdout);
}

static bool stopped(const char *root, const char *id)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_ERROR struct error *e = NULL;
    return container_load(root, id, &st, &status, &e) < 0 || status == STATUS_STOPPED;
}

/* Stats every interval and OOM events in between, until the container stops. */
static int stream(const char *root, const struct container_state *st, long interval_ms, struct error **err)
{
    struct cgroup_oom *oom = NULL;
    CLEANUP_ERROR struct error *oom_err = NULL;
    if (cgroup_oom_open(st->cgroup, &oom, &oom_err) < 0)
        log_warn("events: no OOM notifications: %s", oom_err->msg);
    struct pollfd pfd = { .fd = oom ? cgroup_oom_fd(oom) : -1, .events = POLLIN };
    while (!stopped(root, st->id)) {
        print_event("stats", st->id, st->cgroup);
        struct timespec start, now;
        clock_gettime(CLOCK_MONOTONIC, &start);
        for (long left = interval_ms; left > 0;) {
            int n = poll(&pfd, 1, left < 200 ? (int)left : 200); /* notice a stop within 0.2 s */
            if (n < 0 && errno != EINTR) {
                cgroup_oom_close(oom);
                return error_set(err, errno, "events: poll");
            }
            for (unsigned k = n > 0 && oom ? cgroup_oom_read(oom) : 0; k > 0; k--)
                print_event("oom", st->id, NULL);
            if (stopped(root, st->id))
                break;
            clock_gettime(CLOCK_MONOTONIC, &now);
            left = interval_ms - ((now.tv_sec - start.tv_sec) * 1000 + (now.tv_nsec - start.tv_nsec) / 1000000);
        }
    }
    cgroup_oom_close(oom);
    return 0;
}

static int events(const struct cli_args *a, struct error **err)
{
    const char *root = cmd_globals(a)->root, *id = a->argv[0];
    long interval_ms = 5000;
    if (parse_interval(cli_get(a, "interval", "5s"), &interval_ms, err) < 0)
        return -1;
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    if (container_load(root, id, &st, &status, err) < 0)
        return -1;
    if (status == STATUS_STOPPED)
        return error_setc(err, EXIT_STATE, 0, "container %s is not running", id);
    if (st->cgroup == NULL)
        return error_setc(err, EXIT_STATE, 0, "container %s has no cgroup", id);
    if (cli_has(a, "stats")) {
        print_event("stats", id, st->cgroup);
        return 0;
    }
    return stream(root, st, interval_ms, err);
}

static const struct cli_option options[] = {
    { 0, "stats", CLI_NOARG, NULL, "print the container's stats once and exit", NULL, 0 },
    { 0, "interval", CLI_ARG, "DURATION", "time between stats events (5s, 500ms, 1m)", "5s", 0 },
    { 0 },
};

const struct cli_command cmd_events = {
    .name = "events",
    .fn = events,
    .summary = "print a container's stats and OOM events as JSON lines",
    .synopsis = "CONTAINER_ID",
    .description = "Each line is {\"type\":\"stats\",\"id\":ID,\"data\":{cpu, cpuset, memory, pids, blkio, hugetlb, "
                   "intel_rdt, network_interfaces}} (runc's stats object) or {\"type\":\"oom\",\"id\":ID}. Without "
                   "--stats the stream ends when the container stops.\n",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
