/* Creating the container's directories (remembering which were new, so a
 * failure removes exactly those) and removing them again. */
#include <dirent.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/spec.h"
#include "common/strv.h"
#include "common/xalloc.h"

static int make_one_dir(const struct cgroup *cg, const struct cgroup_dir *d, char ***created, struct error **err)
{
    if (d->mount == NULL)
        return error_set(err, 0, "%s: the hierarchy's mount point is unknown", d->path);
    size_t ml = strlen(d->mount);
    if (strncmp(d->path, d->mount, ml) != 0)
        return error_set(err, 0, "%s is not beneath %s", d->path, d->mount);
    CLEANUP_FREE char *cur = xstrdup(d->path);
    /* Walk down from the mount point, one component at a time. */
    for (size_t at = ml; d->path[at] != '\0';) {
        size_t next = at + 1 + strcspn(d->path + at + 1, "/");
        memcpy(cur, d->path, next);
        cur[next] = '\0';
        if (cg->mode == CGROUP_MODE_V2) {
            cur[at] = '\0';
            cg_v2_enable_controllers(cur);
            cur[at] = '/';
        }
        if (mkdir(cur, 0755) == 0)
            strv_append(created, cur);
        else if (errno != EEXIST)
            return error_set(err, errno, "mkdir %s", cur);
        if (cg_list_has(d->name, "cpuset") && cg_v1_cpuset_inherit(cur, err) < 0)
            return -1;
        at = next;
    }
    return 0;
}

void cg_forget_dir(struct cgroup *cg, size_t i, char **created)
{
    struct cgroup_dir *d = &cg->dirs[i];
    size_t ml = d->mount ? strlen(d->mount) : 0;
    /* Undo what we made beneath its mount point, deepest first. */
    for (size_t n = strv_len(created); ml && n > 0; n--) {
        char *p = created[n - 1];
        if (strncmp(p, d->mount, ml) == 0 && p[ml] == '/') {
            rmdir(p);
            p[0] = '\0'; /* still in the list, but names nothing to remove */
        }
    }
    free(d->name);
    free(d->mount);
    free(d->path);
    memmove(d, d + 1, (cg->n_dirs - i - 1) * sizeof(*d));
    cg->n_dirs--;
}

int cg_make_dirs(struct cgroup *cg, char ***created, struct error **err)
{
    for (size_t i = 0; i < cg->n_dirs; i++) {
        CLEANUP_ERROR struct error *e = NULL;
        if (make_one_dir(cg, &cg->dirs[i], created, &e) == 0)
            continue;
        if (cg->mode == CGROUP_MODE_HYBRID && strcmp(cg->dirs[i].name, "unified") == 0) {
            log_warn("cgroup: going on without the unified hierarchy: %s", e->msg);
            cg_forget_dir(cg, i--, *created);
            continue;
        }
        return error_move(err, &e);
    }
    return 0;
}

static int64_t now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* rmdir, retrying EBUSY until deadline (ms, CLOCK_MONOTONIC) while the
 * last processes leave. One deadline serves every hierarchy. */
static int rmdir_patiently(const char *path, int64_t deadline)
{
    for (;;) {
        if (rmdir(path) == 0 || errno == ENOENT)
            return 0;
        if (errno != EBUSY || now_ms() >= deadline)
            return -1;
        nanosleep(&(struct timespec){0, 10 * 1000 * 1000}, NULL);
    }
}

void cg_remove_created(char **created)
{
    int64_t deadline = now_ms() + 2000;
    for (size_t n = strv_len(created); n > 0; n--)
        if (created[n - 1][0] != '\0' && rmdir_patiently(created[n - 1], deadline) < 0)
            log_warn("cgroup: cannot remove %s: %s", created[n - 1], strerror(errno));
}

static int rmdir_tree(const char *path, int64_t deadline, struct error **err)
{
    CLEANUP_CLOSEDIR DIR *dir = opendir(path);
    if (dir == NULL)
        return errno == ENOENT ? 0 : error_set(err, errno, "open %s", path);
    struct dirent *e;
    while ((e = readdir(dir)) != NULL) {
        if (e->d_type != DT_DIR || strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        CLEANUP_FREE char *sub = path_join(path, e->d_name);
        if (rmdir_tree(sub, deadline, err) < 0)
            return -1;
    }
    if (rmdir_patiently(path, deadline) < 0)
        return error_set(err, errno, "remove cgroup %s", path);
    return 0;
}

int cgroup_destroy(struct cgroup *cg, struct error **err)
{
    int rc = 0;
    int64_t deadline = now_ms() + 2000;
    for (size_t i = 0; i < cg->n_dirs; i++) {
        CLEANUP_ERROR struct error *e = NULL;
        /* Go on with the other hierarchies; report the first failure. */
        if (rmdir_tree(cg->dirs[i].path, deadline, &e) < 0 && rc == 0) {
            rc = error_move(err, &e);
        }
    }
    return rc;
}
