/* runtime update [-r FILE|-] [runc's resource flags] ID: new limits for a
 * live container's cgroup. With -r/--resources the linux.resources JSON
 * (from FILE, or stdin for "-", as containerd sends it) is used and the
 * flags are ignored, as in runc. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

enum {
    U_RESOURCES = 1, U_BLKIO_WEIGHT, U_CPU_PERIOD, U_CPU_QUOTA, U_CPU_SHARE, U_CPU_RT_PERIOD, U_CPU_RT_RUNTIME,
    U_CPU_IDLE, U_CPUSET_CPUS, U_CPUSET_MEMS, U_KERNEL_MEMORY, U_KERNEL_MEMORY_TCP, U_MEMORY,
    U_MEMORY_RESERVATION, U_MEMORY_SWAP, U_PIDS_LIMIT, U_L3_CACHE, U_MEM_BW,
};

static int parse_int(const char *name, const char *text, int64_t *out, struct error **err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return cli_usage_error(err, "--%s: expected an integer, got '%s'", name, text);
    *out = v;
    return 0;
}

/* runc's sizes: "-1" (unlimited), or a number with an optional binary
 * suffix k, m, g, t, p (optionally followed by b), any case: "64m", "1.5G". */
static int parse_size(const char *name, const char *text, int64_t *out, struct error **err)
{
    if (strcmp(text, "-1") == 0) {
        *out = -1;
        return 0;
    }
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    static const char units[] = "bkmgtp";
    const char *u = *end ? strchr(units, tolower((unsigned char)*end)) : units;
    bool tail_ok = u && (end[0] == '\0' || end[1] == '\0' || (u != units && strcasecmp(end + 1, "b") == 0));
    if (errno != 0 || end == text || !isdigit((unsigned char)*text) || !tail_ok)
        return cli_usage_error(err, "--%s: expected a size (bytes, or a number with k, m, g, t suffix) or -1, got '%s'",
                               name, text);
    double bytes = v;
    for (const char *k = units; k < u; k++)
        bytes *= 1024;
    if (bytes >= 9.2e18)
        return cli_usage_error(err, "--%s: %s is too large", name, text);
    *out = (int64_t)bytes;
    return 0;
}

static int set_memory(struct spec_resources *r, int id, const char *name, const char *v, struct error **err)
{
    struct spec_memory *m = &r->memory;
    int64_t n = 0;
    if (parse_size(name, v, &n, err) < 0)
        return -1;
    r->has_memory = true;
    switch (id) {
    case U_MEMORY: m->limit = n, m->has_limit = true; break;
    case U_MEMORY_SWAP: m->swap = n, m->has_swap = true; break;
    case U_MEMORY_RESERVATION: m->reservation = n, m->has_reservation = true; break;
    case U_KERNEL_MEMORY: m->kernel = n, m->has_kernel = true; break;
    default: m->kernel_tcp = n, m->has_kernel_tcp = true; break;
    }
    return 0;
}

static int set_cpu(struct spec_resources *r, int id, const char *name, const char *v, struct error **err)
{
    struct spec_cpu *c = &r->cpu;
    r->has_cpu = true;
    if (id == U_CPUSET_CPUS || id == U_CPUSET_MEMS) {
        char **field = id == U_CPUSET_CPUS ? &c->cpus : &c->mems;
        free(*field);
        *field = xstrdup(v);
        return 0;
    }
    int64_t n = 0;
    if (parse_int(name, v, &n, err) < 0)
        return -1;
    if (n < 0 && id != U_CPU_QUOTA && id != U_CPU_RT_RUNTIME && id != U_CPU_IDLE)
        return cli_usage_error(err, "--%s: must not be negative, got '%s'", name, v);
    switch (id) {
    case U_CPU_SHARE: c->shares = (uint64_t)n, c->has_shares = true; break;
    case U_CPU_QUOTA: c->quota = n, c->has_quota = true; break;
    case U_CPU_PERIOD: c->period = (uint64_t)n, c->has_period = true; break;
    case U_CPU_RT_PERIOD: c->realtime_period = (uint64_t)n, c->has_realtime_period = true; break;
    case U_CPU_RT_RUNTIME: c->realtime_runtime = n, c->has_realtime_runtime = true; break;
    default: c->idle = n, c->has_idle = true; break;
    }
    return 0;
}

static int set_other(struct spec_resources *r, int id, const char *name, const char *v, struct error **err)
{
    int64_t n = 0;
    if (id == U_L3_CACHE || id == U_MEM_BW)
        return error_setc(err, EXIT_FAIL, 0, "--%s: Intel RDT is not supported by this runtime", name);
    if (parse_int(name, v, &n, err) < 0)
        return -1;
    if (id == U_PIDS_LIMIT) {
        r->pids_limit = n;
        r->has_pids_limit = true;
        return 0;
    }
    if (n < 10 || n > 1000)
        return cli_usage_error(err, "--%s: must be 10 to 1000, got '%s'", name, v);
    r->blkio_weight = (uint16_t)n;
    r->has_blkio_weight = true;
    return 0;
}

static int from_flags(const struct cli_args *a, struct spec_resources *r, struct error **err)
{
    for (size_t i = 0; i < a->n_opts; i++) {
        const struct cli_option *o = a->opts[i].opt;
        const char *v = a->opts[i].value;
        int id = o->id, rc;
        if (id >= U_KERNEL_MEMORY && id <= U_MEMORY_SWAP)
            rc = set_memory(r, id, o->long_name, v, err);
        else if (id >= U_CPU_PERIOD && id <= U_CPUSET_MEMS)
            rc = set_cpu(r, id, o->long_name, v, err);
        else if (id >= U_PIDS_LIMIT || id == U_BLKIO_WEIGHT)
            rc = set_other(r, id, o->long_name, v, err);
        else
            rc = 0;
        if (rc < 0)
            return -1;
    }
    return 0;
}

static int from_json(const char *path, struct spec_resources **r, struct error **err)
{
    CLEANUP_JSON yajl_val v = NULL;
    bool in = strcmp(path, "-") == 0;
    int rc = in ? json_parse_fd(0, "standard input", &v, err) : json_parse_file(path, &v, err);
    if (rc < 0)
        return error_prefix(err, "--resources");
    return spec_parse_resources(v, in ? "--resources -" : path, r, err);
}

static int update(const struct cli_args *a, struct error **err)
{
    struct spec_resources *r = NULL;
    const char *file = cli_get(a, "resources", NULL);
    if (file) {
        if (from_json(file, &r, err) < 0)
            return -1;
    } else {
        r = xcalloc(1, sizeof(*r));
        if (from_flags(a, r, err) < 0) {
            spec_resources_free(r);
            return -1;
        }
    }
    int rc = container_update(cmd_globals(a)->root, a->argv[0], r, err);
    spec_resources_free(r);
    return rc;
}

#define SIZE "BYTES"
static const struct cli_option options[] = {
    { 'r', "resources", CLI_ARG, "FILE", "linux.resources JSON from FILE, or stdin for '-'; the other flags are then ignored", NULL, U_RESOURCES },
    { 0, "blkio-weight", CLI_ARG, "N", "block IO weight, 10 to 1000", NULL, U_BLKIO_WEIGHT },
    { 0, "cpu-period", CLI_ARG, "USECS", "CPU CFS period", NULL, U_CPU_PERIOD },
    { 0, "cpu-quota", CLI_ARG, "USECS", "CPU CFS quota per period (-1: none)", NULL, U_CPU_QUOTA },
    { 0, "cpu-share", CLI_ARG, "N", "CPU shares (relative weight)", NULL, U_CPU_SHARE },
    { 0, "cpu-shares", CLI_ARG, "N", "the same as --cpu-share", NULL, U_CPU_SHARE },
    { 0, "cpu-rt-period", CLI_ARG, "USECS", "CPU realtime period (cgroup v1)", NULL, U_CPU_RT_PERIOD },
    { 0, "cpu-rt-runtime", CLI_ARG, "USECS", "CPU realtime runtime per period (cgroup v1)", NULL, U_CPU_RT_RUNTIME },
    { 0, "cpu-idle", CLI_ARG, "0|1", "1: SCHED_IDLE for the cgroup", NULL, U_CPU_IDLE },
    { 0, "cpuset-cpus", CLI_ARG, "LIST", "CPUs to use (0-3,5)", NULL, U_CPUSET_CPUS },
    { 0, "cpuset-mems", CLI_ARG, "LIST", "memory nodes to use", NULL, U_CPUSET_MEMS },
    { 0, "kernel-memory", CLI_ARG, SIZE, "kernel memory limit (deprecated: ignored with a warning)", NULL, U_KERNEL_MEMORY },
    { 0, "kernel-memory-tcp", CLI_ARG, SIZE, "TCP buffer limit (cgroup v1 memory.kmem.tcp.limit_in_bytes)", NULL, U_KERNEL_MEMORY_TCP },
    { 0, "memory", CLI_ARG, SIZE, "memory limit (64m, 1g, -1: unlimited)", NULL, U_MEMORY },
    { 0, "memory-reservation", CLI_ARG, SIZE, "memory soft limit", NULL, U_MEMORY_RESERVATION },
    { 0, "memory-swap", CLI_ARG, SIZE, "memory+swap limit (-1: unlimited swap)", NULL, U_MEMORY_SWAP },
    { 0, "pids-limit", CLI_ARG, "N", "maximum number of processes (-1: unlimited)", NULL, U_PIDS_LIMIT },
    { 0, "l3-cache-schema", CLI_ARG, "SCHEMA", "Intel RDT L3 schema (refused: not supported)", NULL, U_L3_CACHE },
    { 0, "mem-bw-schema", CLI_ARG, "SCHEMA", "Intel RDT memory bandwidth schema (refused: not supported)", NULL, U_MEM_BW },
    { 0 },
};

const struct cli_command cmd_update = {
    .name = "update",
    .fn = update,
    .summary = "change the resource limits of a running or paused container",
    .synopsis = "CONTAINER_ID",
    .description = "Only the limits given change. The JSON of -r is a linux.resources object "
                   "({\"memory\":{\"limit\":N},\"cpu\":{\"shares\":N},\"pids\":{\"limit\":N},...}); its device "
                   "rules are ignored.\n",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
