/* The processes of a container's cgroup: listing, signalling, freezing. */
#include <dirent.h>
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"

/* The directory whose cgroup.procs lists the container (with sub-cgroups). */
static const char *procs_dir(const struct cgroup *cg)
{
    static const char *const preferred[] = {"pids", "freezer", "memory", "devices"};
    if (cg->mode == CGROUP_MODE_V2)
        return cg->n_dirs ? cg->dirs[0].path : NULL;
    for (size_t i = 0; i < sizeof(preferred) / sizeof(*preferred); i++)
        if (cgroup_path_of(cg, preferred[i]))
            return cgroup_path_of(cg, preferred[i]);
    return cg->n_dirs ? cg->dirs[0].path : NULL;
}

static int collect(const char *dir, pid_t **pids, size_t *n, struct error **err)
{
    CLEANUP_FREE char *text = NULL;
    if (cg_read(dir, "cgroup.procs", &text, err) < 0)
        return -1;
    char *save = NULL;
    for (char *tok = strtok_r(text, "\n", &save); tok; tok = strtok_r(NULL, "\n", &save)) {
        *pids = xrealloc(*pids, (*n + 1) * sizeof(**pids));
        (*pids)[(*n)++] = (pid_t)atoi(tok);
    }
    CLEANUP_CLOSEDIR DIR *d = opendir(dir);
    if (d == NULL)
        return error_set(err, errno, "open %s", dir);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_type != DT_DIR || e->d_name[0] == '.')
            continue;
        CLEANUP_FREE char *sub = path_join(dir, e->d_name);
        if (collect(sub, pids, n, err) < 0)
            return -1;
    }
    return 0;
}

int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct error **err)
{
    *pids = NULL;
    *n = 0;
    const char *dir = procs_dir(cg);
    if (dir == NULL)
        return error_set(err, 0, "cgroup: no directory to list processes from");
    if (collect(dir, pids, n, err) < 0) {
        free(*pids);
        *pids = NULL;
        *n = 0;
        return -1;
    }
    return 0;
}

static void sleep_ms(long ms)
{
    nanosleep(&(struct timespec){ms / 1000, (ms % 1000) * 1000000}, NULL);
}

static int freeze_v1(const char *dir, bool frozen, struct error **err)
{
    const char *want = frozen ? "FROZEN" : "THAWED";
    /* The kernel may stay in FREEZING while tasks are busy: ask again until
     * it settles (about 2 s at most). */
    for (int tries = 0; tries < 400; tries++) {
        if (tries % 20 == 0 && cg_write(dir, "freezer.state", want, err) < 0)
            return -1;
        CLEANUP_FREE char *state = NULL;
        if (cg_read(dir, "freezer.state", &state, err) < 0)
            return -1;
        if (strcmp(state, want) == 0)
            return 0;
        sleep_ms(5);
    }
    return error_set(err, EBUSY, "%s/freezer.state: still not %s", dir, want);
}

static int freeze_v2(const char *dir, bool frozen, struct error **err)
{
    if (cg_write(dir, "cgroup.freeze", frozen ? "1" : "0", err) < 0)
        return -1;
    const char *want = frozen ? "frozen 1" : "frozen 0";
    for (int tries = 0; tries < 400; tries++) {
        CLEANUP_FREE char *events = NULL;
        if (cg_read(dir, "cgroup.events", &events, err) < 0)
            return -1;
        if (strstr(events, want))
            return 0;
        sleep_ms(5);
    }
    return error_set(err, EBUSY, "%s/cgroup.events: still not \"%s\"", dir, want);
}

int cgroup_freeze(struct cgroup *cg, bool frozen, struct error **err)
{
    if (cg->mode == CGROUP_MODE_V2)
        return freeze_v2(cg->dirs[0].path, frozen, err);
    const char *dir = cgroup_path_of(cg, "freezer");
    if (dir == NULL)
        return error_set(err, 0, "cgroup: the freezer controller is not mounted");
    return freeze_v1(dir, frozen, err);
}

bool cgroup_is_frozen(const struct cgroup *cg)
{
    bool v2 = cg->mode == CGROUP_MODE_V2;
    const char *dir = v2 ? cg->dirs[0].path : cgroup_path_of(cg, "freezer");
    CLEANUP_FREE char *state = NULL;
    if (dir == NULL || cg_read(dir, v2 ? "cgroup.freeze" : "freezer.state", &state, NULL) < 0)
        return false;
    return strcmp(state, v2 ? "1" : "FROZEN") == 0;
}

bool cgroup_is_freezing(const struct cgroup *cg)
{
    bool v2 = cg->mode == CGROUP_MODE_V2;
    const char *dir = v2 ? cg->dirs[0].path : cgroup_path_of(cg, "freezer");
    CLEANUP_FREE char *state = NULL, *events = NULL;
    if (dir == NULL)
        return false;
    if (!v2)
        return cg_read(dir, "freezer.state", &state, NULL) == 0 && strcmp(state, "THAWED") != 0;
    return cgroup_is_frozen(cg) || (cg_read(dir, "cgroup.events", &events, NULL) == 0 && strstr(events, "frozen 1"));
}

int cgroup_signal_all(struct cgroup *cg, int sig, struct error **err)
{
    if (cg->mode == CGROUP_MODE_V2 && sig == SIGKILL && cg_has(cg->dirs[0].path, "cgroup.kill"))
        return cg_write(cg->dirs[0].path, "cgroup.kill", "1", err);
    /* Frozen, nobody can fork a process we would miss. A paused container
     * stays paused, unless it is being killed (frozen tasks cannot die). */
    bool was_frozen = cgroup_is_frozen(cg);
    bool thaw_after = was_frozen ? sig == SIGKILL : cgroup_freeze(cg, true, NULL) == 0;
    CLEANUP_FREE pid_t *pids = NULL;
    size_t n = 0;
    int rc = cgroup_pids(cg, &pids, &n, err);
    for (size_t i = 0; rc == 0 && i < n; i++)
        if (kill(pids[i], sig) < 0 && errno != ESRCH)
            rc = error_set(err, errno, "kill %d", (int)pids[i]);
    if (thaw_after && cgroup_freeze(cg, false, rc == 0 ? err : NULL) < 0)
        rc = -1;
    return rc;
}
