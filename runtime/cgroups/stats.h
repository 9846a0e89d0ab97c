/* Helpers shared by the stats emitters (stats.c, stats_v1.c, stats_v2.c):
 * reading numbers and keyed files out of a cgroup directory into the JSON
 * of runc's `events --stats` object. */
#ifndef RUNTIME_CGROUP_STATS_H
#define RUNTIME_CGROUP_STATS_H

#include <stdbool.h>
#include <stdint.h>
#include <yajl/yajl_gen.h>

#include "cgroup_internal.h"

/* A number from a file (0 when absent or not a number; "max" -> max). */
uint64_t st_u64(const char *dir, const char *file, uint64_t max);
/* The value of "key N" in a flat keyed file (memory.stat, cpu.stat), 0 if absent. */
uint64_t st_keyed(const char *dir, const char *file, const char *key);
/* key: v, always / only when v != 0 (Go's omitempty). */
void st_key_u64(yajl_gen g, const char *key, uint64_t v);
void st_key_nz(yajl_gen g, const char *key, uint64_t v);
/* A flat keyed file as a JSON object of numbers. */
void st_key_keyed_file(yajl_gen g, const char *key, const char *dir, const char *file);
/* cpuset list "0-2,5" as [0,1,2,5] (omitted when empty). */
void st_key_cpulist(yajl_gen g, const char *key, const char *dir, const char *file);
/* "pids": {current, limit} of the pids controller at dir (same files in v1 and v2). */
void st_key_pids(yajl_gen g, const char *dir);
/* One blkio entry {"major","minor","op","value"} (omitempty fields). */
void st_blkio_entry(yajl_gen g, uint64_t major, uint64_t minor, const char *op, uint64_t value);

void cg_stats_v1(const struct cgroup *cg, yajl_gen g);
void cg_stats_v2(const char *dir, yajl_gen g);

#endif
