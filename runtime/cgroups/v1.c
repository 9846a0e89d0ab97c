/* cgroup v1 driver: linux.resources into the per-controller hierarchies.
 * Zero values mean "unset", as in runc. */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"

static int need_dir(const struct cgroup *cg, const char *controller, const char **dir, struct error **err)
{
    *dir = cgroup_path_of(cg, controller);
    if (*dir == NULL)
        return error_set(err, 0, "the %s controller is not mounted (cgroup v1)", controller);
    return 0;
}

int cg_v1_cpuset_inherit(const char *dir, struct error **err)
{
    static const char *const files[] = {"cpuset.cpus", "cpuset.mems"};
    CLEANUP_FREE char *parent = xstrdup(dir);
    *strrchr(parent, '/') = '\0';
    for (size_t i = 0; i < 2; i++) {
        CLEANUP_FREE char *mine = NULL, *theirs = NULL;
        if (cg_read(dir, files[i], &mine, err) < 0)
            return -1;
        if (*mine != '\0')
            continue;
        if (cg_read(parent, files[i], &theirs, err) < 0 || cg_write(dir, files[i], theirs, err) < 0)
            return -1;
    }
    return 0;
}

/* The kernel clamps cpu.shares silently; runc reports it, so do we. */
static int check_shares(const char *dir, uint64_t want, struct error **err)
{
    uint64_t got;
    if (cg_read_u64(dir, "cpu.shares", &got, err) < 0)
        return -1;
    if (want > got)
        return error_setc(err, EXIT_INVALID, 0, "cpu.shares %" PRIu64 ": the maximum allowed is %" PRIu64, want, got);
    if (want < got)
        return error_setc(err, EXIT_INVALID, 0, "cpu.shares %" PRIu64 ": the minimum allowed is %" PRIu64, want, got);
    return 0;
}

static int cpu_bandwidth(const char *dir, const struct spec_cpu *c, struct error **err)
{
    bool period = c->has_period && c->period != 0, quota = c->has_quota && c->quota != 0;
    if (!period) {
        return quota ? cg_writef(dir, "cpu.cfs_quota_us", err, "%" PRId64, c->quota) : 0;
    }
    /* The kernel checks quota against the period in force: if the new
     * period does not fit the old quota, set the quota first. */
    CLEANUP_ERROR struct error *first = NULL;
    if (cg_writef(dir, "cpu.cfs_period_us", &first, "%" PRIu64, c->period) == 0)
        return quota ? cg_writef(dir, "cpu.cfs_quota_us", err, "%" PRId64, c->quota) : 0;
    if (first->errnum != EINVAL || !quota) {
        return error_move(err, &first);
    }
    if (cg_writef(dir, "cpu.cfs_quota_us", err, "%" PRId64, c->quota) < 0)
        return -1;
    return cg_writef(dir, "cpu.cfs_period_us", err, "%" PRIu64, c->period);
}

static int v1_cpu(const struct cgroup *cg, const struct spec_cpu *c, struct error **err)
{
    const char *dir = NULL;
    bool any = (c->has_shares && c->shares) || (c->has_quota && c->quota) || (c->has_period && c->period) ||
               (c->has_realtime_period && c->realtime_period) || (c->has_realtime_runtime && c->realtime_runtime) ||
               c->has_idle;
    if (any && need_dir(cg, "cpu", &dir, err) < 0)
        return -1;
    /* The realtime period must be in place before a runtime that fits it. */
    if (c->has_realtime_period && c->realtime_period &&
        cg_writef(dir, "cpu.rt_period_us", err, "%" PRIu64, c->realtime_period) < 0)
        return -1;
    if (c->has_realtime_runtime && c->realtime_runtime &&
        cg_writef(dir, "cpu.rt_runtime_us", err, "%" PRId64, c->realtime_runtime) < 0)
        return -1;
    if (c->has_shares && c->shares) {
        if (cg_writef(dir, "cpu.shares", err, "%" PRIu64, c->shares) < 0 || check_shares(dir, c->shares, err) < 0)
            return -1;
    }
    if (any && cpu_bandwidth(dir, c, err) < 0)
        return -1;
    if (c->has_idle && cg_writef(dir, "cpu.idle", err, "%" PRId64, c->idle) < 0)
        return -1;
    if ((c->cpus && *c->cpus) || (c->mems && *c->mems)) {
        if (need_dir(cg, "cpuset", &dir, err) < 0)
            return -1;
        if (c->cpus && *c->cpus && cg_write(dir, "cpuset.cpus", c->cpus, err) < 0)
            return -1;
        if (c->mems && *c->mems && cg_write(dir, "cpuset.mems", c->mems, err) < 0)
            return -1;
    }
    return 0;
}

static int write_bytes(const char *dir, const char *file, int64_t v, struct error **err)
{
    return cg_writef(dir, file, err, "%" PRId64, v);
}

/* memory.limit_in_bytes must never exceed memory.memsw.limit_in_bytes, so
 * the order of the two writes depends on whether the limit grows. */
static int memory_and_swap(const char *dir, int64_t limit, int64_t swap, struct error **err)
{
    const char *mem = "memory.limit_in_bytes", *memsw = "memory.memsw.limit_in_bytes";
    if (limit != 0 && swap != 0) {
        uint64_t current;
        if (cg_read_u64(dir, mem, &current, err) < 0)
            return -1;
        if (swap == -1 || current < (uint64_t)swap)
            return write_bytes(dir, memsw, swap, err) < 0 ? -1 : write_bytes(dir, mem, limit, err);
    }
    if (limit != 0 && write_bytes(dir, mem, limit, err) < 0)
        return -1;
    return swap != 0 ? write_bytes(dir, memsw, swap, err) : 0;
}

/* memory.kernelTCP: the TCP buffer limit (crun applies it too). */
static int v1_kernel_tcp(const char *dir, int64_t v, struct error **err)
{
    if (v == 0)
        return 0;
    if (!cg_has(dir, "memory.kmem.tcp.limit_in_bytes")) {
        log_warn("memory.kernelTCP: the kernel has no %s/memory.kmem.tcp.limit_in_bytes; ignored", dir);
        return 0;
    }
    return write_bytes(dir, "memory.kmem.tcp.limit_in_bytes", v, err);
}

static int v1_memory(const struct cgroup *cg, const struct spec_memory *m, struct error **err)
{
    int64_t limit = m->has_limit ? m->limit : 0, swap = m->has_swap ? m->swap : 0;
    int64_t reservation = m->has_reservation ? m->reservation : 0;
    int64_t kernel_tcp = m->has_kernel_tcp ? m->kernel_tcp : 0;
    if (!limit && !swap && !reservation && !kernel_tcp && !m->has_swappiness && !m->disable_oom_killer)
        return 0;
    const char *dir;
    if (need_dir(cg, "memory", &dir, err) < 0)
        return -1;
    bool has_memsw = cg_has(dir, "memory.memsw.limit_in_bytes");
    if (limit == -1 && swap == 0 && has_memsw)
        swap = -1; /* "unlimited memory" means unlimited swap too */
    if (swap != 0 && !has_memsw) {
        log_warn("memory.swap: the kernel has no swap accounting (%s/memory.memsw.limit_in_bytes is absent); "
                 "the swap limit is ignored", dir);
        swap = 0;
    }
    if (memory_and_swap(dir, limit, swap, err) < 0)
        return -1;
    if (reservation && write_bytes(dir, "memory.soft_limit_in_bytes", reservation, err) < 0)
        return -1;
    if (m->has_swappiness) {
        if (m->swappiness > 100)
            return error_setc(err, EXIT_INVALID, 0, "memory.swappiness %" PRIu64 ": must be 0 to 100", m->swappiness);
        if (cg_writef(dir, "memory.swappiness", err, "%" PRIu64, m->swappiness) < 0)
            return -1;
    }
    if (m->disable_oom_killer && cg_write(dir, "memory.oom_control", "1", err) < 0)
        return -1;
    return v1_kernel_tcp(dir, kernel_tcp, err);
}

static int v1_pids(const struct cgroup *cg, int64_t limit, struct error **err)
{
    const char *dir;
    if (limit == 0)
        return 0;
    if (need_dir(cg, "pids", &dir, err) < 0)
        return -1;
    return limit > 0 ? cg_writef(dir, "pids.max", err, "%" PRId64, limit) : cg_write(dir, "pids.max", "max", err);
}

static int v1_blkio(const struct cgroup *cg, uint16_t weight, struct error **err)
{
    const char *dir;
    if (weight == 0)
        return 0;
    if (need_dir(cg, "blkio", &dir, err) < 0)
        return -1;
    /* With the BFQ scheduler only blkio.bfq.weight exists. */
    const char *file = cg_has(dir, "blkio.bfq.weight") ? "blkio.bfq.weight" : "blkio.weight";
    return cg_writef(dir, file, err, "%u", (unsigned)weight);
}

static int v1_hugetlb(const struct cgroup *cg, const struct spec_resources *r, struct error **err)
{
    const char *dir;
    if (r->n_hugepage_limits == 0)
        return 0;
    if (need_dir(cg, "hugetlb", &dir, err) < 0)
        return -1;
    for (size_t i = 0; i < r->n_hugepage_limits; i++) {
        if (cg_check_page_size(r->hugepage_limits[i].page_size, err) < 0)
            return -1;
        CLEANUP_FREE char *file = xasprintf("hugetlb.%s.limit_in_bytes", r->hugepage_limits[i].page_size);
        if (cg_writef(dir, file, err, "%" PRIu64, r->hugepage_limits[i].limit) < 0)
            return -1;
    }
    return 0;
}

int cg_v1_apply(struct cgroup *cg, const struct spec_resources *r, struct error **err)
{
    if (r->n_unified > 0)
        return error_setc(err, EXIT_INVALID, 0,
                          "invalid configuration: cannot use unified on cgroup v1 (linux.resources.unified needs a cgroup v2 host)");
    if (r->has_memory && r->memory.has_kernel)
        log_warn("memory.kernel: kernel memory limits are deprecated and ignored");
    if (r->has_cpu && v1_cpu(cg, &r->cpu, err) < 0)
        return -1;
    if (r->has_memory && v1_memory(cg, &r->memory, err) < 0)
        return -1;
    if (r->has_pids_limit && v1_pids(cg, r->pids_limit, err) < 0)
        return -1;
    if (r->has_blkio_weight && v1_blkio(cg, r->blkio_weight, err) < 0)
        return -1;
    if (v1_hugetlb(cg, r, err) < 0)
        return -1;
    if (r->n_devices > 0) {
        const char *dir;
        if (need_dir(cg, "devices", &dir, err) < 0 || cg_v1_devices(dir, r->devices, r->n_devices, err) < 0)
            return -1;
    }
    return 0;
}
