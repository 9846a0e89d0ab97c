/* runc's stats from the cgroup v2 files: cpu.stat, cpuset.*.effective,
 * memory.{current,max,swap.*,events,stat}, pids, io.stat. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "stats.h"

static void cpu(const char *dir, yajl_gen g)
{
    jg_key(g, "cpu");
    jg_obj_open(g);
    jg_key(g, "usage");
    jg_obj_open(g);
    st_key_nz(g, "total", st_keyed(dir, "cpu.stat", "usage_usec") * 1000);
    st_key_u64(g, "kernel", st_keyed(dir, "cpu.stat", "system_usec") * 1000);
    st_key_u64(g, "user", st_keyed(dir, "cpu.stat", "user_usec") * 1000);
    jg_obj_close(g);
    jg_key(g, "throttling");
    jg_obj_open(g);
    st_key_nz(g, "periods", st_keyed(dir, "cpu.stat", "nr_periods"));
    st_key_nz(g, "throttledPeriods", st_keyed(dir, "cpu.stat", "nr_throttled"));
    st_key_nz(g, "throttledTime", st_keyed(dir, "cpu.stat", "throttled_usec") * 1000);
    jg_obj_close(g);
    jg_obj_close(g);
}

static void cpuset(const char *dir, yajl_gen g)
{
    static const char *const zero[] = {
        "cpu_exclusive", "mem_hardwall", "mem_exclusive", "memory_migrate", "memory_spread_page",
        "memory_spread_slab", "memory_pressure", "sched_load_balance", "sched_relax_domain_level",
    };
    jg_key(g, "cpuset");
    jg_obj_open(g);
    st_key_cpulist(g, "cpus", dir, "cpuset.cpus.effective");
    st_key_cpulist(g, "mems", dir, "cpuset.mems.effective");
    for (size_t i = 0; i < sizeof(zero) / sizeof(*zero); i++)
        st_key_u64(g, zero[i], 0); /* v1-only knobs */
    jg_obj_close(g);
}

static void memory_entry(yajl_gen g, const char *key, uint64_t limit, uint64_t usage, uint64_t failcnt)
{
    jg_key(g, key);
    jg_obj_open(g);
    st_key_u64(g, "limit", limit);
    st_key_nz(g, "usage", usage);
    st_key_u64(g, "failcnt", failcnt);
    jg_obj_close(g);
}

static void memory(const char *dir, yajl_gen g)
{
    jg_key(g, "memory");
    jg_obj_open(g);
    st_key_nz(g, "cache", st_keyed(dir, "memory.stat", "file"));
    memory_entry(g, "usage", st_u64(dir, "memory.max", UINT64_MAX), st_u64(dir, "memory.current", 0),
                 st_keyed(dir, "memory.events", "max"));
    memory_entry(g, "swap", st_u64(dir, "memory.swap.max", UINT64_MAX), st_u64(dir, "memory.swap.current", 0), 0);
    st_key_keyed_file(g, "raw", dir, "memory.stat");
    jg_obj_close(g);
}

/* io.stat lines "MAJ:MIN rbytes=N wbytes=N rios=N wios=N ...". */
static void io_list(yajl_gen g, const char *key, const char *dir, const char *rkey, const char *wkey)
{
    CLEANUP_FREE char *text = NULL;
    if (cg_read(dir, "io.stat", &text, NULL) < 0 || *text == '\0')
        return;
    jg_key(g, key);
    jg_arr_open(g);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        unsigned long long maj, min;
        if (sscanf(line, "%llu:%llu", &maj, &min) != 2)
            continue;
        const char *keys[2] = {rkey, wkey}, *ops[2] = {"Read", "Write"};
        for (int i = 0; i < 2; i++) {
            const char *p = strstr(line, keys[i]);
            st_blkio_entry(g, maj, min, ops[i], p ? strtoull(p + strlen(keys[i]), NULL, 10) : 0);
        }
    }
    jg_arr_close(g);
}

void cg_stats_v2(const char *dir, yajl_gen g)
{
    cpu(dir, g);
    cpuset(dir, g);
    memory(dir, g);
    st_key_pids(g, dir);
    jg_key(g, "blkio");
    jg_obj_open(g);
    io_list(g, "ioServiceBytesRecursive", dir, "rbytes=", "wbytes=");
    io_list(g, "ioServicedRecursive", dir, "rios=", "wios=");
    jg_obj_close(g);
}
