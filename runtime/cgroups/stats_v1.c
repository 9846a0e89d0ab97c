/* runc's stats from cgroup v1 files: cpuacct, cpu.stat, cpuset, memory
 * (usage, memsw, kmem, kmem.tcp, memory.stat), pids, blkio. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "stats.h"

#define UINT64_MAX_PAGE 9223372036854771712ULL /* v1's "unlimited", as the kernel prints it */

/* The per-cpu list of a cpuacct file, column col of cpuacct.usage_all when all. */
static void percpu(yajl_gen g, const char *key, const char *dir, const char *file, int col)
{
    CLEANUP_FREE char *text = NULL;
    if (dir == NULL || cg_read(dir, file, &text, NULL) < 0)
        return;
    jg_key(g, key);
    jg_arr_open(g);
    char *save = NULL, *line;
    const char *sep = col < 0 ? " " : "\n";
    for (line = strtok_r(text, sep, &save); line; line = strtok_r(NULL, sep, &save)) {
        if (col < 0) {
            jg_uint(g, strtoull(line, NULL, 10));
            continue;
        }
        if (strncmp(line, "cpu", 3) == 0)
            continue; /* the header line */
        char *p = line;
        for (int c = 0; c < col && p; c++)
            p = strchr(p, ' ') ? strchr(p, ' ') + 1 : NULL;
        if (p)
            jg_uint(g, strtoull(p, NULL, 10));
    }
    jg_arr_close(g);
}

static void cpu(const struct cgroup *cg, yajl_gen g)
{
    const char *acct = cgroup_path_of(cg, "cpuacct"), *cpu = cgroup_path_of(cg, "cpu");
    uint64_t tick_ns = 1000000000ULL / (uint64_t)sysconf(_SC_CLK_TCK);
    jg_key(g, "cpu");
    jg_obj_open(g);
    jg_key(g, "usage");
    jg_obj_open(g);
    st_key_nz(g, "total", st_u64(acct, "cpuacct.usage", 0));
    percpu(g, "percpu", acct, "cpuacct.usage_percpu", -1);
    percpu(g, "percpu_kernel", acct, "cpuacct.usage_all", 2);
    percpu(g, "percpu_user", acct, "cpuacct.usage_all", 1);
    st_key_u64(g, "kernel", st_keyed(acct, "cpuacct.stat", "system") * tick_ns);
    st_key_u64(g, "user", st_keyed(acct, "cpuacct.stat", "user") * tick_ns);
    jg_obj_close(g);
    jg_key(g, "throttling");
    jg_obj_open(g);
    st_key_nz(g, "periods", st_keyed(cpu, "cpu.stat", "nr_periods"));
    st_key_nz(g, "throttledPeriods", st_keyed(cpu, "cpu.stat", "nr_throttled"));
    st_key_nz(g, "throttledTime", st_keyed(cpu, "cpu.stat", "throttled_time"));
    jg_obj_close(g);
    jg_obj_close(g);
}

static void cpuset(const struct cgroup *cg, yajl_gen g)
{
    static const char *const flags[] = {
        "cpu_exclusive", "mems", "mem_hardwall", "mem_exclusive", "memory_migrate", "memory_spread_page",
        "memory_spread_slab", "memory_pressure", "sched_load_balance",
    };
    const char *dir = cgroup_path_of(cg, "cpuset");
    jg_key(g, "cpuset");
    jg_obj_open(g);
    st_key_cpulist(g, "cpus", dir, "cpuset.cpus");
    for (size_t i = 0; i < sizeof(flags) / sizeof(*flags); i++) {
        CLEANUP_FREE char *file = NULL;
        if (asprintf(&file, "cpuset.%s", flags[i]) < 0)
            abort();
        if (strcmp(flags[i], "mems") == 0)
            st_key_cpulist(g, "mems", dir, file);
        else
            st_key_u64(g, flags[i], st_u64(dir, file, 0));
    }
    CLEANUP_FREE char *relax = NULL;
    jg_key(g, "sched_relax_domain_level");
    jg_int(g, dir && cg_read(dir, "cpuset.sched_relax_domain_level", &relax, NULL) == 0 ? atoll(relax) : 0);
    jg_obj_close(g);
}

/* {"limit","usage","max","failcnt"} from PREFIX.{limit_in_bytes,usage_in_bytes,...}. */
static void memory_entry(yajl_gen g, const char *key, const char *dir, const char *prefix)
{
    CLEANUP_FREE char *limit = NULL, *usage = NULL, *max = NULL, *failcnt = NULL;
    if (asprintf(&limit, "%s.limit_in_bytes", prefix) < 0 || asprintf(&usage, "%s.usage_in_bytes", prefix) < 0 ||
        asprintf(&max, "%s.max_usage_in_bytes", prefix) < 0 || asprintf(&failcnt, "%s.failcnt", prefix) < 0)
        abort();
    jg_key(g, key);
    jg_obj_open(g);
    st_key_u64(g, "limit", st_u64(dir, limit, UINT64_MAX_PAGE));
    st_key_nz(g, "usage", st_u64(dir, usage, 0));
    st_key_nz(g, "max", st_u64(dir, max, 0));
    st_key_u64(g, "failcnt", st_u64(dir, failcnt, 0));
    jg_obj_close(g);
}

static void memory(const struct cgroup *cg, yajl_gen g)
{
    const char *dir = cgroup_path_of(cg, "memory");
    jg_key(g, "memory");
    jg_obj_open(g);
    st_key_nz(g, "cache", st_keyed(dir, "memory.stat", "cache"));
    memory_entry(g, "usage", dir, "memory");
    memory_entry(g, "swap", dir, "memory.memsw");
    memory_entry(g, "kernel", dir, "memory.kmem");
    memory_entry(g, "kernelTCP", dir, "memory.kmem.tcp");
    st_key_keyed_file(g, "raw", dir, "memory.stat");
    jg_obj_close(g);
}

/* Lines "MAJ:MIN Op N" of a blkio file (the "Total N" line skipped);
 * nothing at all when there is no such line (runc's omitempty). */
static void blkio_list(yajl_gen g, const char *key, const char *dir, const char *file)
{
    CLEANUP_FREE char *text = NULL;
    if (dir == NULL || cg_read(dir, file, &text, NULL) < 0)
        return;
    bool opened = false;
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long maj, min, v;
        char op[16];
        if (sscanf(line, "%llu:%llu %15s %llu", &maj, &min, op, &v) != 4)
            continue;
        if (!opened) {
            jg_key(g, key);
            jg_arr_open(g);
            opened = true;
        }
        st_blkio_entry(g, maj, min, op, v);
    }
    if (opened)
        jg_arr_close(g);
}

static void blkio(const struct cgroup *cg, yajl_gen g)
{
    const char *dir = cgroup_path_of(cg, "blkio");
    jg_key(g, "blkio");
    jg_obj_open(g);
    blkio_list(g, "ioServiceBytesRecursive", dir, "blkio.throttle.io_service_bytes_recursive");
    blkio_list(g, "ioServicedRecursive", dir, "blkio.throttle.io_serviced_recursive");
    jg_obj_close(g);
}

void cg_stats_v1(const struct cgroup *cg, yajl_gen g)
{
    cpu(cg, g);
    cpuset(cg, g);
    memory(cg, g);
    st_key_pids(g, cgroup_path_of(cg, "pids"));
    blkio(cg, g);
}
