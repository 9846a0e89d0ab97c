/* cgroup v2 driver: linux.resources into the one unified directory, with
 * runc's conversions from the v1-shaped spec values. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"

void cg_v2_enable_controllers(const char *dir)
{
    CLEANUP_FREE char *offered = NULL, *enabled = NULL;
    if (cg_read(dir, "cgroup.controllers", &offered, NULL) < 0 ||
        cg_read(dir, "cgroup.subtree_control", &enabled, NULL) < 0)
        return;
    char *save = NULL;
    for (char *c = strtok_r(offered, " ", &save); c; c = strtok_r(NULL, " ", &save)) {
        CLEANUP_FREE char *padded = xasprintf(" %s ", enabled), *needle = xasprintf(" %s ", c);
        if (strstr(padded, needle))
            continue;
        /* One at a time: a controller the kernel refuses here (say, a
         * threaded subtree) must not keep the others off. Resource writes
         * later name the missing file if it mattered. */
        cg_writef(dir, "cgroup.subtree_control", NULL, "+%s", c);
    }
}

uint64_t cg_v2_weight_from_shares(uint64_t shares)
{
    if (shares == 0)
        return 0;
    if (shares < 2)
        shares = 2;
    if (shares > 262144)
        shares = 262144;
    /* Maps v1's [2, 262144] linearly onto v2's [1, 10000]. */
    return 1 + ((shares - 2) * 9999) / 262142;
}

uint64_t cg_v2_io_weight_from_blkio(uint64_t weight)
{
    if (weight == 0)
        return 0;
    /* v1's [10, 1000] onto v2's [1, 10000]. */
    return 1 + ((weight - 10) * 9999) / 990;
}

int cg_v2_swap_value(int64_t limit, int64_t swap, int64_t *out, struct error **err)
{
    /* v1's swap is memory+swap; v2's memory.swap.max is swap alone. */
    if (limit == -1 && swap == 0) {
        *out = -1;
        return 0;
    }
    if (swap == -1 || swap == 0) {
        *out = swap;
        return 0;
    }
    if (limit == 0 || limit == -1)
        return error_setc(err, EXIT_INVALID, 0, "memory.swap %" PRId64 ": a swap limit needs a memory limit", swap);
    if (limit < 0)
        return error_setc(err, EXIT_INVALID, 0, "memory.limit %" PRId64 ": invalid", limit);
    if (swap < limit)
        return error_setc(err, EXIT_INVALID, 0,
                          "memory.swap %" PRId64 ": must be at least memory.limit %" PRId64 " (it counts memory+swap)",
                          swap, limit);
    *out = swap - limit;
    return 0;
}

/* -1 is "max", 0 is "leave alone". */
static int write_limit(const char *dir, const char *file, int64_t v, struct error **err)
{
    if (v == 0)
        return 0;
    if (v < 0)
        return cg_write(dir, file, "max", err);
    return cg_writef(dir, file, err, "%" PRId64, v);
}

static int v2_cpu(const char *dir, const struct spec_cpu *c, struct error **err)
{
    if ((c->has_realtime_period && c->realtime_period) || (c->has_realtime_runtime && c->realtime_runtime))
        return error_setc(err, EXIT_INVALID, 0, "cpu.realtimePeriod/realtimeRuntime: not supported on cgroup v2");
    if (c->has_shares && c->shares &&
        cg_writef(dir, "cpu.weight", err, "%" PRIu64, cg_v2_weight_from_shares(c->shares)) < 0)
        return -1;
    int64_t quota = c->has_quota ? c->quota : 0;
    uint64_t period = c->has_period ? c->period : 0;
    if (quota != 0 || period != 0) {
        CLEANUP_FREE char *value = quota > 0 ? xasprintf("%" PRId64, quota) : xstrdup("max");
        CLEANUP_FREE char *full = period ? xasprintf("%s %" PRIu64, value, period) : xstrdup(value);
        if (cg_write(dir, "cpu.max", full, err) < 0)
            return -1;
    }
    if (c->has_idle && cg_writef(dir, "cpu.idle", err, "%" PRId64, c->idle) < 0)
        return -1;
    if (c->cpus && *c->cpus && cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
        return -1;
    if (c->mems && *c->mems && cg_write(dir, "cpuset.mems", c->mems, err) < 0)
        return -1;
    return 0;
}

static int v2_memory(const char *dir, const struct spec_memory *m, struct error **err)
{
    int64_t limit = m->has_limit ? m->limit : 0, swap = 0;
    if (cg_v2_swap_value(limit, m->has_swap ? m->swap : 0, &swap, err) < 0)
        return -1;
    /* Swap first: like runc, so lowering both never trips the kernel. A
     * kernel without swap accounting lacks the file; "max" or "0" then
     * asks for nothing it could refuse. */
    if (swap != 0 && !cg_has(dir, "memory.swap.max")) {
        log_warn("memory.swap: the kernel has no swap accounting (%s/memory.swap.max is absent); "
                 "the swap limit is ignored", dir);
        swap = 0;
    }
    if (write_limit(dir, "memory.swap.max", swap, err) < 0 || write_limit(dir, "memory.max", limit, err) < 0)
        return -1;
    if (m->has_reservation && write_limit(dir, "memory.low", m->reservation, err) < 0)
        return -1;
    if (m->has_swappiness)
        log_warn("memory.swappiness: no cgroup v2 equivalent; ignored");
    if (m->disable_oom_killer)
        log_warn("memory.disableOOMKiller: no cgroup v2 equivalent; ignored");
    if (m->has_kernel)
        log_warn("memory.kernel: kernel memory limits are deprecated and ignored");
    if (m->has_kernel_tcp && m->kernel_tcp != 0)
        log_warn("memory.kernelTCP: no cgroup v2 equivalent (TCP memory is part of memory.max); ignored");
    return 0;
}

static int v2_io_weight(const char *dir, uint16_t weight, struct error **err)
{
    if (weight == 0)
        return 0;
    /* BFQ takes the v1 scale as is; otherwise io.weight on the v2 scale. */
    if (cg_has(dir, "io.bfq.weight"))
        return cg_writef(dir, "io.bfq.weight", err, "%u", (unsigned)weight);
    return cg_writef(dir, "io.weight", err, "default %" PRIu64, cg_v2_io_weight_from_blkio(weight));
}

static int v2_unified(const char *dir, const struct spec_kv *kv, size_t n, struct error **err)
{
    for (size_t i = 0; i < n; i++) {
        const char *key = kv[i].key;
        if (strchr(key, '/') || key[0] == '.' || key[0] == '\0')
            return error_setc(err, EXIT_INVALID, 0, "linux.resources.unified: bad file name \"%s\"", key);
        if (cg_write(dir, key, kv[i].value, err) < 0)
            return error_prefix(err, "linux.resources.unified");
    }
    return 0;
}

int cg_v2_apply(struct cgroup *cg, const struct spec_resources *r, struct error **err)
{
    const char *dir = cg->dirs[0].path;
    if (r->has_cpu && v2_cpu(dir, &r->cpu, err) < 0)
        return -1;
    if (r->has_memory && v2_memory(dir, &r->memory, err) < 0)
        return -1;
    if (r->has_pids_limit && write_limit(dir, "pids.max", r->pids_limit, err) < 0)
        return -1;
    if (r->has_blkio_weight && v2_io_weight(dir, r->blkio_weight, err) < 0)
        return -1;
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        if (cg_check_page_size(r->hugepage_limits[i].page_size, err) < 0)
            return -1;
        CLEANUP_FREE char *file = xasprintf("hugetlb.%s.max", r->hugepage_limits[i].page_size);
        if (cg_writef(dir, file, err, "%" PRIu64, r->hugepage_limits[i].limit) < 0)
            return -1;
    }
    if (r->n_devices > 0 && cg_v2_devices(dir, r->devices, r->n_devices, err) < 0)
        return -1;
    return v2_unified(dir, r->unified, r->n_unified, err);
}
