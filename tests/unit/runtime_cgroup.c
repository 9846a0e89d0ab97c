/* The cgroup drivers on the real host (v1/hybrid here, v2 inside the qemu
 * harness): path semantics, conversions, and a real cgroup with resources
 * and a child process, created, inspected, frozen, killed and destroyed.
 * Needs root; says "skip" otherwise. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "runtime/cgroups/cgroup_internal.h"
#include "tap.h"

static char name[64];
static enum cgroup_mode mode;

static char *read_ctl(const char *dir, const char *file)
{
    char *v = NULL;
    if (dir == NULL || cg_read(dir, file, &v, NULL) < 0)
        return xstrdup("(unreadable)");
    return v;
}

static void test_clean_path(void)
{
    static const char *const cases[][2] = {
        {"/a/b", "/a/b"},   {"a/./b/", "a/b"}, {"/../../etc", "/etc"},
        {"../x", "x"},      {"/", "/"},        {"a/../../b", "b"},
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
        CLEANUP_FREE char *got = cgroup_clean_path(cases[i][0]);
        is_str(got, cases[i][1], "clean path %s", cases[i][0]);
    }
}

static void test_conversions(void)
{
    CLEANUP_ERROR struct error *err = NULL;
    int64_t v = 0;
    ok(cg_v2_weight_from_shares(1024) == 39, "cpu.weight of 1024 shares is 39 (runc's formula)");
    ok(cg_v2_weight_from_shares(2) == 1 && cg_v2_weight_from_shares(262144) == 10000, "shares range maps onto 1..10000");
    ok(cg_v2_io_weight_from_blkio(500) == 4950, "io.weight of blkio weight 500 is 4950");
    ok(cg_v2_swap_value(100, 300, &v, &err) == 0 && v == 200, "memory.swap.max = swap - limit");
    ok(cg_v2_swap_value(-1, 0, &v, &err) == 0 && v == -1, "unlimited memory means unlimited swap");
    ok(cg_v2_swap_value(300, 100, &v, &err) < 0 && err && strstr(err->msg, "at least"), "swap below limit refused");
    CLEANUP_ERROR struct error *perr = NULL;
    ok(cg_check_page_size("2MB", NULL) == 0 && cg_check_page_size("1GB", NULL) == 0, "hugepage sizes accepted");
    ok(cg_check_page_size("../x", &perr) < 0 && perr && perr->exit_class == EXIT_INVALID, "a pageSize with / or . refused");
}

static void test_paths(void)
{
    CLEANUP_ERROR struct error *err = NULL;
    const char *ctl = mode == CGROUP_MODE_V2 ? "pids" : "memory";
    CLEANUP_CGROUP struct cgroup *abs = NULL;
    ok(cgroup_new("/x/../abs/p", "id", &abs, &err) == 0, "absolute cgroupsPath resolves");
    CLEANUP_FREE char *want = xasprintf(CGROUP_MOUNT_ROOT "%s/abs/p", mode == CGROUP_MODE_V2 ? "" : "/memory");
    is_str(abs ? cgroup_path_of(abs, ctl) : NULL, want, "absolute path is beneath the hierarchy root");

    /* Relative and empty paths hang below the runtime's own cgroup
     * (on v2: its parent, like runc). */
    CLEANUP_FREE char *own = NULL;
    read_file("/proc/self/cgroup", &own, NULL, NULL);
    CLEANUP_CGROUP struct cgroup *empty = NULL;
    ok(cgroup_new("", "myid", &empty, &err) == 0, "empty cgroupsPath resolves");
    const char *p = empty ? cgroup_path_of(empty, ctl) : NULL;
    ok(p && strlen(p) > 5 && strcmp(p + strlen(p) - 5, "/myid") == 0, "empty path is <own cgroup>/<id>: %s", p);
    if (mode != CGROUP_MODE_V2 && p) {
        CLEANUP_FREE char *line_start = strstr(own, ":memory:") ? xstrdup(strstr(own, ":memory:") + 8) : xstrdup("");
        line_start[strcspn(line_start, "\n")] = '\0';
        CLEANUP_FREE char *w = xasprintf("%s/memory%s%s/myid", CGROUP_MOUNT_ROOT,
                                         strcmp(line_start, "/") ? line_start : "", "");
        is_str(p, w, "memory path follows /proc/self/cgroup");
    }
    if (mode == CGROUP_MODE_HYBRID)
        ok(empty && cgroup_path_of(empty, "unified") != NULL, "hybrid host: the unified hierarchy is joined too");

    CLEANUP_CGROUP struct cgroup *sd = NULL;
    CLEANUP_ERROR struct error *sderr = NULL;
    ok(cgroup_new("system.slice:runtime:abc", "id", &sd, &sderr) < 0 && sderr && sderr->exit_class == EXIT_INVALID &&
           strstr(sderr->msg, "systemd"),
       "systemd slice:prefix:name gives a clear error: %s", sderr ? sderr->msg : "");
}

static struct spec_resources *resources(void)
{
    struct spec_resources *r = xcalloc(1, sizeof(*r));
    r->has_memory = r->has_cpu = r->has_pids_limit = true;
    r->memory.has_limit = r->memory.has_swap = true;
    r->memory.limit = 209715200;
    r->memory.swap = 314572800; /* memory+swap, as v1 counts it */
    if (mode != CGROUP_MODE_V2) {
        r->memory.has_reservation = r->memory.has_swappiness = true;
        r->memory.reservation = 104857600;
        r->memory.swappiness = 30;
    } else {
        r->memory.has_reservation = true;
        r->memory.reservation = 104857600;
        r->has_blkio_weight = true;
        r->blkio_weight = 500;
        r->n_hugepage_limits = 1;
        r->hugepage_limits = xcalloc(1, sizeof(*r->hugepage_limits));
        r->hugepage_limits[0] = (struct spec_hugepage_limit){xstrdup("2MB"), 4194304};
    }
    r->cpu.has_shares = r->cpu.has_quota = r->cpu.has_period = true;
    r->cpu.shares = 512;
    r->cpu.quota = 50000;
    r->cpu.period = 100000;
    r->cpu.cpus = xstrdup("0");
    r->pids_limit = 64;
    return r;
}

static void free_resources(struct spec_resources *r)
{
    free(r->cpu.cpus);
    free(r->devices);
    for (size_t i = 0; i < r->n_hugepage_limits; i++)
        free(r->hugepage_limits[i].page_size);
    free(r->hugepage_limits);
    free(r);
}

static void check_files(struct cgroup *cg)
{
    if (mode == CGROUP_MODE_V2) {
        const char *d = cgroup_path_of(cg, "memory");
        struct { const char *file, *want; } v2[] = {
            {"memory.max", "209715200"}, {"memory.low", "104857600"}, {"memory.swap.max", "104857600"},
            {"cpu.weight", "20"},
            {"cpu.max", "50000 100000"}, {"pids.max", "64"},          {"cpuset.cpus", "0"},
            {"io.weight", "default 4950"}, {"hugetlb.2MB.max", "4194304"},
        };
        for (size_t i = 0; i < sizeof(v2) / sizeof(*v2); i++) {
            CLEANUP_FREE char *got = read_ctl(d, v2[i].file);
            is_str(got, v2[i].want, "v2 %s", v2[i].file);
        }
        return;
    }
    struct { const char *ctl, *file, *want; } v1[] = {
        {"memory", "memory.limit_in_bytes", "209715200"}, {"memory", "memory.soft_limit_in_bytes", "104857600"},
        {"memory", "memory.swappiness", "30"},            {"memory", "memory.memsw.limit_in_bytes", "314572800"},
        {"cpu", "cpu.shares", "512"},
        {"cpu", "cpu.cfs_quota_us", "50000"},             {"cpu", "cpu.cfs_period_us", "100000"},
        {"pids", "pids.max", "64"},                       {"cpuset", "cpuset.cpus", "0"},
    };
    for (size_t i = 0; i < sizeof(v1) / sizeof(*v1); i++) {
        CLEANUP_FREE char *got = read_ctl(cgroup_path_of(cg, v1[i].ctl), v1[i].file);
        is_str(got, v1[i].want, "v1 %s", v1[i].file);
    }
    CLEANUP_FREE char *mems = read_ctl(cgroup_path_of(cg, "cpuset"), "cpuset.mems");
    ok(*mems != '\0' && strcmp(mems, "(unreadable)") != 0, "v1 cpuset.mems inherited from the parent: '%s'", mems);
}

/* Every directory of cg gone? */
static bool all_gone(const struct cgroup *cg)
{
    for (size_t i = 0; i < cg->n_dirs; i++)
        if (path_exists(cg->dirs[i].path))
            return false;
    return true;
}

static void check_child_joined(const struct cgroup *cg, pid_t child)
{
    CLEANUP_FREE char *path = xasprintf("/proc/%d/cgroup", (int)child), *text = NULL;
    read_file(path, &text, NULL, NULL);
    CLEANUP_FREE char *suffix = xasprintf(":/%s\n", name);
    ok(text && strstr(text, suffix), "child's /proc/PID/cgroup names /%s", name);
    if (mode == CGROUP_MODE_HYBRID) {
        CLEANUP_FREE char *unified = xasprintf("0::/%s\n", name);
        ok(text && strstr(text, unified), "hybrid: child joined the unified hierarchy too");
    }
    pid_t *pids = NULL;
    size_t n = 0;
    ok(cgroup_pids((struct cgroup *)cg, &pids, &n, NULL) == 0 && n == 1 && pids[0] == child, "cgroup_pids lists the child");
    free(pids);
}

static void check_freeze(struct cgroup *cg)
{
    CLEANUP_ERROR struct error *err = NULL;
    ok(cgroup_freeze(cg, true, &err) == 0, "freeze %s", err ? err->msg : "");
    const char *dir = mode == CGROUP_MODE_V2 ? cgroup_path_of(cg, "x") : cgroup_path_of(cg, "freezer");
    CLEANUP_FREE char *state = read_ctl(dir, mode == CGROUP_MODE_V2 ? "cgroup.freeze" : "freezer.state");
    is_str(state, mode == CGROUP_MODE_V2 ? "1" : "FROZEN", "frozen");
    ok(cgroup_freeze(cg, false, &err) == 0, "thaw");
    /* A paused container stays paused when signalled (SIGCONT is harmless). */
    cgroup_freeze(cg, true, NULL);
    ok(cgroup_signal_all(cg, SIGCONT, &err) == 0, "signal_all SIGCONT while frozen");
    CLEANUP_FREE char *after = read_ctl(dir, mode == CGROUP_MODE_V2 ? "cgroup.freeze" : "freezer.state");
    is_str(after, mode == CGROUP_MODE_V2 ? "1" : "FROZEN", "still frozen after the signal");
}

static void check_persist(const struct cgroup *cg)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    cgroup_emit(cg, g);
    size_t len;
    const char *text = jg_text(g, &len);
    CLEANUP_JSON yajl_val v = NULL;
    CLEANUP_CGROUP struct cgroup *back = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    ok(json_parse(text, len, "state", &v, &err) == 0 && cgroup_parse(v, &back, &err) == 0, "emit/parse: %s", text);
    is_str(back ? cgroup_path_of(back, "pids") : NULL, cgroup_path_of(cg, "pids"), "parsed paths match");
}

static void test_real_cgroup(void)
{
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_CGROUP struct cgroup *cg = NULL;
    CLEANUP_FREE char *path = xasprintf("/%s", name);
    ok(cgroup_new(path, "unused", &cg, &err) == 0, "cgroup_new %s", path);
    if (cg == NULL)
        return;
    pid_t child = fork();
    if (child == 0) {
        pause();
        _exit(0);
    }
    struct spec_resources *r = resources();
    ok(cgroup_create(cg, r, child, &err) == 0, "cgroup_create: %s", err ? err->msg : "ok");
    free_resources(r);
    check_files(cg);
    check_child_joined(cg, child);
    check_persist(cg);
    check_freeze(cg);
    cgroup_freeze(cg, false, NULL);
    time_t t0 = time(NULL);
    CLEANUP_ERROR struct error *busy = NULL;
    ok(cgroup_destroy(cg, &busy) < 0 && busy && busy->errnum == EBUSY && strstr(busy->msg, "remove cgroup"),
       "destroy with a live process fails: %s", busy ? busy->msg : "");
    ok(time(NULL) - t0 <= 4, "... after one short wait for all hierarchies (%lds)", (long)(time(NULL) - t0));
    ok(cgroup_signal_all(cg, SIGKILL, &err) == 0, "signal_all SIGKILL");
    int status = 0;
    ok(waitpid(child, &status, 0) == child && WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL, "child killed");
    ok(cgroup_destroy(cg, &err) == 0, "destroy: %s", err ? err->msg : "ok");
    ok(all_gone(cg), "no directory left after destroy");
}

/* A failing resource leaves nothing behind, and the error names file and value. */
static void test_all_or_nothing(void)
{
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_CGROUP struct cgroup *cg = NULL;
    CLEANUP_FREE char *path = xasprintf("/%s-bad/a/b", name), *top = xasprintf("/%s-bad", name);
    cgroup_new(path, "unused", &cg, &err);
    struct spec_resources *r = xcalloc(1, sizeof(*r));
    r->has_cpu = true;
    r->cpu.cpus = xstrdup("4096");
    ok(cg && cgroup_create(cg, r, 0, &err) < 0, "impossible cpuset.cpus refused");
    ok(err && strstr(err->msg, "write 4096 to ") && strstr(err->msg, "/cpuset.cpus"), "error names value and file: %s",
       err ? err->msg : "");
    CLEANUP_CGROUP struct cgroup *topcg = NULL;
    cgroup_new(top, "unused", &topcg, NULL);
    ok(topcg && all_gone(topcg), "nothing left of %s", top);
    free_resources(r);
}

/* In the cgroup: /dev/null (default list) usable, /dev/kmsg readable by
 * the rule but not writable. Exit status bits say which held. */
static int probe_devices(int go)
{
    char c;
    if (read(go, &c, 1) != 1)
        return 0;
    int bits = 0, fd;
    if ((fd = open("/dev/null", O_RDWR)) >= 0 && close(fd) == 0)
        bits |= 1;
    if ((fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK)) >= 0 && close(fd) == 0)
        bits |= 2;
    if (open("/dev/kmsg", O_WRONLY) < 0 && errno == EPERM)
        bits |= 4;
    return bits;
}

static void test_devices(void)
{
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_CGROUP struct cgroup *cg = NULL;
    CLEANUP_FREE char *path = xasprintf("/%s-dev", name);
    cgroup_new(path, "unused", &cg, &err);
    struct spec_resources *r = xcalloc(1, sizeof(*r));
    r->n_devices = 2;
    r->devices = xcalloc(2, sizeof(*r->devices));
    r->devices[0] = (struct spec_device_rule){.allow = false, .access = "rwm"};
    r->devices[1] = (struct spec_device_rule){.allow = true, .type = "c", .has_major = true, .major = 1,
                                              .has_minor = true, .minor = 11, .access = "r"};
    int go[2];
    if (pipe(go) < 0)
        return;
    pid_t child = fork();
    if (child == 0) {
        close(go[1]);
        _exit(probe_devices(go[0]));
    }
    close(go[0]);
    ok(cg && cgroup_create(cg, r, child, &err) == 0, "devices rules: %s", err ? err->msg : "ok");
    if (write(go[1], "x", 1) != 1)
        kill(child, SIGKILL);
    close(go[1]);
    int status = 0;
    waitpid(child, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 7, "in the cgroup: /dev/null allowed, /dev/kmsg read only (bits %d)",
       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
    if (mode != CGROUP_MODE_V2) {
        CLEANUP_FREE char *list = read_ctl(cg ? cgroup_path_of(cg, "devices") : NULL, "devices.list");
        ok(strstr(list, "c 1:11 r") && strstr(list, "c 1:3 rwm") && !strstr(list, "a *:* rwm"),
           "devices.list: deny all, the rule, the defaults");
    }
    ok(cg && cgroup_destroy(cg, &err) == 0 && all_gone(cg), "devices cgroup removed");
    free_resources(r);
}

static void test_unified(void)
{
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_CGROUP struct cgroup *cg = NULL;
    CLEANUP_FREE char *path = xasprintf("/%s-uni", name);
    cgroup_new(path, "unused", &cg, &err);
    struct spec_resources *r = xcalloc(1, sizeof(*r));
    struct spec_kv kv = {"pids.max", "10"};
    r->unified = &kv;
    r->n_unified = 1;
    int rc = cg ? cgroup_create(cg, r, 0, &err) : -1;
    if (mode == CGROUP_MODE_V2) {
        ok(rc == 0, "unified entries written on v2");
        CLEANUP_FREE char *got = read_ctl(cg ? cgroup_path_of(cg, "pids") : NULL, "pids.max");
        is_str(got, "10", "unified pids.max verbatim");
        ok(cg && cgroup_destroy(cg, &err) == 0, "unified cgroup removed");
    } else {
        ok(rc < 0 && err && strstr(err->msg, "unified"), "unified refused on v1: %s", err ? err->msg : "");
    }
    ok(cg && all_gone(cg), "nothing left after the unified test");
    free(r);
}

/* Hybrid: a unified hierarchy that refuses us must not refuse the container. */
static void test_hybrid_unified_refused(void)
{
    if (mode != CGROUP_MODE_HYBRID)
        return;
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_FREE char *parent = xasprintf("%s/unified/%s-lim", CGROUP_MOUNT_ROOT, name);
    CLEANUP_FREE char *path = xasprintf("/%s-lim/c", name), *top = xasprintf("/%s-lim", name);
    ok(mkdir(parent, 0755) == 0 && cg_write(parent, "cgroup.max.descendants", "0", &err) == 0,
       "unified parent that allows no children");
    CLEANUP_CGROUP struct cgroup *cg = NULL;
    cgroup_new(path, "unused", &cg, &err);
    ok(cg && cgroup_create(cg, NULL, 0, &err) == 0, "create succeeds without the unified hierarchy: %s",
       err ? err->msg : "ok");
    ok(cg && cgroup_path_of(cg, "unified") == NULL && cgroup_path_of(cg, "memory") != NULL,
       "the unified directory is dropped, the v1 ones kept");
    ok(cg && cgroup_destroy(cg, &err) == 0 && all_gone(cg), "destroyed");
    CLEANUP_CGROUP struct cgroup *topcg = NULL;
    cgroup_new(top, "unused", &topcg, NULL);
    if (topcg)
        cgroup_destroy(topcg, NULL); /* the ancestors we made, as runc leaves them */
    rmdir(parent);
    ok(!path_exists(parent) && topcg && all_gone(topcg), "cleaned up");
}

int main(void)
{
    snprintf(name, sizeof(name), "cgtest-%d", (int)getpid());
    mode = cgroup_detect_mode();
    printf("# cgroup mode: %s\n", mode == CGROUP_MODE_V2 ? "v2" : mode == CGROUP_MODE_HYBRID ? "hybrid" : "v1");
    test_clean_path();
    test_conversions();
    test_paths();
    if (geteuid() != 0) {
        printf("ok %d - # skip real cgroups need root\n", ++tap_n);
        return tap_done();
    }
    test_real_cgroup();
    test_all_or_nothing();
    test_devices();
    test_unified();
    test_hybrid_unified_refused();
    return tap_done();
}
