/* The one cgroup interface: resolve, create (all or nothing), persist, and
 * hand resources to the v1 or v2 driver. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/xalloc.h"

static const char *const mode_names[] = {
    [CGROUP_MODE_V1] = "v1",
    [CGROUP_MODE_HYBRID] = "hybrid",
    [CGROUP_MODE_V2] = "v2",
};

int cgroup_new(const char *cgroups_path, const char *id, struct cgroup **out, struct error **err)
{
    CLEANUP_CGROUP struct cgroup *cg = xcalloc(1, sizeof(*cg));
    cg->mode = cgroup_detect_mode();
    if (cgroup_resolve_dirs(cg, cgroups_path, id, err) < 0)
        return -1;
    *out = TAKE_PTR(cg);
    return 0;
}

static int apply_resources(struct cgroup *cg, const struct spec_resources *r, struct error **err)
{
    if (r == NULL)
        return 0;
    if (cg->mode == CGROUP_MODE_V2)
        return cg_v2_apply(cg, r, err);
    return cg_v1_apply(cg, r, err);
}

/* On a hybrid host the unified directory is a courtesy (runc joins it
 * too); failing there must not refuse the container. */
static int attach_all(struct cgroup *cg, pid_t pid, char **created, struct error **err)
{
    for (size_t i = 0; i < cg->n_dirs; i++) {
        CLEANUP_ERROR struct error *e = NULL;
        if (cg_attach(cg->dirs[i].path, pid, &e) == 0)
            continue;
        if (cg->mode == CGROUP_MODE_HYBRID && strcmp(cg->dirs[i].name, "unified") == 0) {
            log_warn("cgroup: joining the unified hierarchy failed, going on without it: %s", e->msg);
            cg_forget_dir(cg, i--, created);
            continue;
        }
        return error_move(err, &e);
    }
    return 0;
}

/* A process that joined a cgroup we are about to remove must leave first:
 * move it to the nearest directory that existed before us. */
static void detach_from_created(pid_t pid, char **created)
{
    for (size_t i = 0; created && created[i]; i++) {
        CLEANUP_FREE char *parent = xstrdup(created[i]);
        char *slash = strrchr(parent, '/');
        if (slash == NULL || slash == parent)
            continue;
        *slash = '\0';
        bool parent_is_ours = false;
        for (size_t j = 0; j < i; j++)
            parent_is_ours |= strcmp(created[j], parent) == 0;
        if (!parent_is_ours)
            cg_attach(parent, pid, NULL);
    }
}

int cgroup_create(struct cgroup *cg, const struct spec_resources *r, pid_t pid, struct error **err)
{
    CLEANUP_STRV char **created = NULL;
    if (cg_make_dirs(cg, &created, err) < 0)
        goto fail;
    if (apply_resources(cg, r, err) < 0)
        goto fail;
    if (pid > 0 && attach_all(cg, pid, created, err) < 0)
        goto fail;
    return 0;
fail:
    if (pid > 0)
        detach_from_created(pid, created);
    cg_remove_created(created);
    return -1;
}

int cgroup_update(struct cgroup *cg, const struct spec_resources *r, struct error **err)
{
    return apply_resources(cg, r, err);
}

int cgroup_enter(struct cgroup *cg, pid_t pid, struct error **err)
{
    for (size_t i = 0; i < cg->n_dirs; i++)
        if (cg_attach(cg->dirs[i].path, pid, err) < 0)
            return -1;
    return 0;
}

void cgroup_emit(const struct cgroup *cg, yajl_gen g)
{
    jg_obj_open(g);
    jg_key_str(g, "mode", mode_names[cg->mode]);
    jg_key(g, "paths");
    jg_obj_open(g);
    for (size_t i = 0; i < cg->n_dirs; i++)
        jg_key_str(g, cg->dirs[i].name, cg->dirs[i].path);
    jg_obj_close(g);
    jg_obj_close(g);
}

static int parse_mode(yajl_val v, enum cgroup_mode *mode, struct error **err)
{
    const char *name = NULL;
    if (json_get_string(v, "cgroup", "mode", &name, err) < 0)
        return -1;
    for (size_t i = 0; name && i < sizeof(mode_names) / sizeof(*mode_names); i++)
        if (strcmp(name, mode_names[i]) == 0) {
            *mode = (enum cgroup_mode)i;
            return 0;
        }
    return error_setc(err, EXIT_INVALID, 0, "cgroup.mode: expected v1, hybrid or v2, got %s",
                      name ? name : "nothing");
}

int cgroup_parse(yajl_val v, struct cgroup **out, struct error **err)
{
    CLEANUP_CGROUP struct cgroup *cg = xcalloc(1, sizeof(*cg));
    yajl_val paths = NULL;
    if (json_expect_object(v, "cgroup", err) < 0 || parse_mode(v, &cg->mode, err) < 0)
        return -1;
    if (json_get_object(v, "cgroup", "paths", &paths, err) <= 0)
        return paths ? -1 : error_setc(err, EXIT_INVALID, 0, "cgroup.paths: missing");
    for (size_t i = 0; i < paths->u.object.len; i++) {
        const char *key = paths->u.object.keys[i], *path = NULL;
        CLEANUP_FREE char *where = xasprintf("cgroup.paths.%s", key);
        if (json_as_string(paths->u.object.values[i], where, &path, err) < 0)
            return -1;
        if (path[0] != '/')
            return error_setc(err, EXIT_INVALID, 0, "%s: not an absolute path: %s", where, path);
        cg->dirs = xrealloc(cg->dirs, (cg->n_dirs + 1) * sizeof(*cg->dirs));
        cg->dirs[cg->n_dirs++] = (struct cgroup_dir){xstrdup(key), NULL, xstrdup(path)};
    }
    if (cg->n_dirs == 0)
        return error_setc(err, EXIT_INVALID, 0, "cgroup.paths: empty");
    *out = TAKE_PTR(cg);
    return 0;
}

bool cg_list_has(const char *list, const char *token)
{
    size_t tl = strlen(token);
    for (const char *p = list; *p;) {
        size_t l = strcspn(p, ",");
        if (l == tl && strncmp(p, token, tl) == 0)
            return true;
        p += l + (p[l] == ',');
    }
    return false;
}

const struct cgroup_dir *cgroup_dir_of(const struct cgroup *cg, const char *controller)
{
    if (cg->mode == CGROUP_MODE_V2)
        return cg->n_dirs ? &cg->dirs[0] : NULL;
    for (size_t i = 0; i < cg->n_dirs; i++)
        if (cg_list_has(cg->dirs[i].name, controller))
            return &cg->dirs[i];
    return NULL;
}

const char *cgroup_path_of(const struct cgroup *cg, const char *controller)
{
    const struct cgroup_dir *d = cgroup_dir_of(cg, controller);
    return d ? d->path : NULL;
}

void cgroup_free(struct cgroup *cg)
{
    if (cg == NULL)
        return;
    for (size_t i = 0; i < cg->n_dirs; i++) {
        free(cg->dirs[i].name);
        free(cg->dirs[i].mount);
        free(cg->dirs[i].path);
    }
    free(cg->dirs);
    free(cg);
}

void cgroup_freep(struct cgroup **cg) { cgroup_free(*cg); }
