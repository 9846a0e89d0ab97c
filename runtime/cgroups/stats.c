/* runc's stats object (`runc events --stats`: cpu, cpuset, memory, pids,
 * blkio, hugetlb, intel_rdt, network_interfaces) from the cgroup files,
 * and the small readers the v1 and v2 emitters share. */
#include "stats.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"

uint64_t st_u64(const char *dir, const char *file, uint64_t max)
{
    CLEANUP_FREE char *text = NULL;
    if (dir == NULL || cg_read(dir, file, &text, NULL) < 0)
        return 0;
    if (strcmp(text, "max") == 0)
        return max;
    return strtoull(text, NULL, 10);
}

uint64_t st_keyed(const char *dir, const char *file, const char *key)
{
    CLEANUP_FREE char *text = NULL;
    if (dir == NULL || cg_read(dir, file, &text, NULL) < 0)
        return 0;
    size_t kl = strlen(key);
    for (char *line = text; line && *line; line = strchr(line, '\n') ? strchr(line, '\n') + 1 : NULL)
        if (strncmp(line, key, kl) == 0 && line[kl] == ' ')
            return strtoull(line + kl + 1, NULL, 10);
    return 0;
}

void st_key_u64(yajl_gen g, const char *key, uint64_t v)
{
    jg_key(g, key);
    jg_uint(g, v);
}

void st_key_nz(yajl_gen g, const char *key, uint64_t v)
{
    if (v != 0)
        st_key_u64(g, key, v);
}

void st_key_pids(yajl_gen g, const char *dir)
{
    jg_key(g, "pids");
    jg_obj_open(g);
    st_key_nz(g, "current", st_u64(dir, "pids.current", 0));
    st_key_nz(g, "limit", st_u64(dir, "pids.max", 0));
    jg_obj_close(g);
}

void st_key_keyed_file(yajl_gen g, const char *key, const char *dir, const char *file)
{
    CLEANUP_FREE char *text = NULL;
    if (dir == NULL || cg_read(dir, file, &text, NULL) < 0)
        return;
    jg_key(g, key);
    jg_obj_open(g);
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *sp = strchr(line, ' ');
        if (sp == NULL)
            continue;
        *sp = '\0';
        st_key_u64(g, line, strtoull(sp + 1, NULL, 10));
    }
    jg_obj_close(g);
}

void st_key_cpulist(yajl_gen g, const char *key, const char *dir, const char *file)
{
    CLEANUP_FREE char *text = NULL;
    if (dir == NULL || cg_read(dir, file, &text, NULL) < 0 || *text == '\0')
        return;
    jg_key(g, key);
    jg_arr_open(g);
    char *save = NULL;
    for (char *r = strtok_r(text, ",", &save); r; r = strtok_r(NULL, ",", &save)) {
        unsigned long lo = strtoul(r, NULL, 10), hi = lo;
        if (strchr(r, '-'))
            hi = strtoul(strchr(r, '-') + 1, NULL, 10);
        for (unsigned long i = lo; i <= hi && i < 65536; i++)
            jg_uint(g, i);
    }
    jg_arr_close(g);
}

void st_blkio_entry(yajl_gen g, uint64_t major, uint64_t minor, const char *op, uint64_t value)
{
    jg_obj_open(g);
    st_key_nz(g, "major", major);
    st_key_nz(g, "minor", minor);
    if (op && *op)
        jg_key_str(g, "op", op);
    st_key_nz(g, "value", value);
    jg_obj_close(g);
}

void cgroup_stats_emit(const struct cgroup *cg, yajl_gen g)
{
    jg_obj_open(g);
    if (cg->mode == CGROUP_MODE_V2)
        cg_stats_v2(cg->dirs[0].path, g);
    else
        cg_stats_v1(cg, g);
    /* Not measured here: runc prints them empty on such hosts too. */
    jg_key(g, "hugetlb");
    jg_obj_open(g);
    jg_obj_close(g);
    jg_key(g, "intel_rdt");
    jg_obj_open(g);
    jg_obj_close(g);
    jg_key(g, "network_interfaces");
    jg_null(g);
    jg_obj_close(g);
}
