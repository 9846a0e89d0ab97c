/* Placeholder until the cgroups work lands: resolves nothing, creates nothing. */
#include "cgroup.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"

struct cgroup {
    char *path;
};

enum cgroup_mode cgroup_detect_mode(void) { return CGROUP_MODE_V1; }

int cgroup_new(const char *cgroups_path, const char *id, struct cgroup **out, struct error **err)
{
    (void)err;
    struct cgroup *cg = xcalloc(1, sizeof(*cg));
    cg->path = cgroups_path ? xstrdup(cgroups_path) : xasprintf("/%s", id);
    *out = cg;
    return 0;
}

int cgroup_create(struct cgroup *cg, const struct spec_resources *r, pid_t pid, struct error **err)
{
    (void)cg, (void)r, (void)pid, (void)err;
    return 0;
}

int cgroup_enter(struct cgroup *cg, pid_t pid, struct error **err)
{
    (void)cg, (void)pid, (void)err;
    return 0;
}

int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct error **err)
{
    (void)cg, (void)err;
    *pids = NULL;
    *n = 0;
    return 0;
}

int cgroup_signal_all(struct cgroup *cg, int sig, struct error **err)
{
    (void)cg, (void)sig, (void)err;
    return 0;
}

int cgroup_destroy(struct cgroup *cg, struct error **err)
{
    (void)cg, (void)err;
    return 0;
}

int cgroup_freeze(struct cgroup *cg, bool frozen, struct error **err)
{
    (void)cg, (void)frozen;
    return error_setc(err, EXIT_FAIL, 0, "freeze: not supported yet");
}

void cgroup_emit(const struct cgroup *cg, yajl_gen g)
{
    yajl_gen_string(g, (const unsigned char *)cg->path, strlen(cg->path));
}

int cgroup_parse(yajl_val v, struct cgroup **out, struct error **err)
{
    (void)err;
    struct cgroup *cg = xcalloc(1, sizeof(*cg));
    cg->path = xstrdup(YAJL_IS_STRING(v) ? v->u.string : "/");
    *out = cg;
    return 0;
}

const char *cgroup_path_of(const struct cgroup *cg, const char *controller)
{
    (void)cg, (void)controller;
    return NULL;
}

void cgroup_free(struct cgroup *cg)
{
    if (cg == NULL)
        return;
    free(cg->path);
    free(cg);
}

void cgroup_freep(struct cgroup **cg) { cgroup_free(*cg); }
