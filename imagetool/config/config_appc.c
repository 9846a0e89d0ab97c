/* Appc isolators and app fields into config.json (see config_appc.h). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/appc/quantity.h"
#include "imagetool/config/config_appc_private.h"
#include "imagetool/config/seccomp_default.h"

struct appc_app {
    yajl_val root;
    yajl_val app; /* NULL: the image has none */
};

int appc_app_load(const struct image_config *ic, struct appc_app **out, struct error **err)
{
    *out = NULL;
    if (!ic->appc_manifest)
        return 0;
    struct appc_app *a = xcalloc(1, sizeof(*a));
    if (json_parse(ic->appc_manifest, strlen(ic->appc_manifest), "appc manifest", &a->root, err) < 0) {
        free(a);
        return -1;
    }
    a->app = json_member(a->root, "app");
    *out = a;
    return 0;
}

void appc_app_free(struct appc_app *a)
{
    if (!a)
        return;
    json_freep(&a->root);
    free(a);
}

void appc_app_freep(struct appc_app **a)
{
    appc_app_free(*a);
}

yajl_val appc_app_member(const struct appc_app *a, const char *name)
{
    return a && a->app ? json_member(a->app, name) : NULL;
}

yajl_val appc_isolator(const struct appc_app *a, const char *name)
{
    yajl_val list = a ? json_member(a->app, "isolators") : NULL;
    for (size_t i = 0; list && YAJL_IS_ARRAY(list) && i < list->u.array.len; i++) {
        const char *n = YAJL_GET_STRING(json_member(list->u.array.values[i], "name"));
        if (n && strcmp(n, name) == 0)
            return json_member(list->u.array.values[i], "value");
    }
    return NULL;
}

int appc_check_command(const struct appc_app *a, const struct config_opts *o, struct error **err)
{
    if (a && !json_member(a->app, "exec") && !o->args && !(o->has_entrypoint && o->entrypoint))
        return error_setc(err, EXIT_USAGE, 0,
                          "the Appc image has no app (no exec): give a command after the bundle path");
    return 0;
}

/* value.set as capability names in CAP_ form. */
static int cap_set(yajl_val value, const char *what, char ***out, struct error **err)
{
    yajl_val set = json_member(value, "set");
    if (!set || !YAJL_IS_ARRAY(set))
        return error_setc(err, EXIT_INVALID, 0, "isolator %s: value.set: expected a list of capabilities", what);
    for (size_t i = 0; i < set->u.array.len; i++) {
        const char *name = YAJL_GET_STRING(set->u.array.values[i]);
        char *norm = NULL;
        if (!name || privileges_cap_name(what, name, &norm, err) < 0)
            return name ? -1 : error_setc(err, EXIT_INVALID, 0, "isolator %s: value.set[%zu]: not a string", what, i);
        strv_append(out, norm);
        free(norm);
    }
    return 0;
}

int appc_apply_caps(const struct appc_app *a, struct spec *s, struct error **err)
{
    yajl_val retain = appc_isolator(a, "os/linux/capabilities-retain-set");
    yajl_val remove = appc_isolator(a, "os/linux/capabilities-remove-set");
    if (retain && remove)
        return error_setc(err, EXIT_INVALID, 0,
                          "isolators: capabilities-retain-set and capabilities-remove-set cannot go together");
    if (!retain && !remove)
        return 0;
    CLEANUP_STRV char **set = NULL;
    if (cap_set(retain ? retain : remove, retain ? "os/linux/capabilities-retain-set" : "os/linux/capabilities-remove-set",
                &set, err) < 0)
        return -1;
    char **caps = NULL;
    if (retain) {
        caps = TAKE_PTR(set);
        if (!caps)
            caps = xcalloc(1, sizeof(char *));
    } else {
        caps = xcalloc(1, sizeof(char *));
        for (char **c = s->process->capabilities->bounding; c && *c; c++)
            if (!strv_contains(set, *c))
                strv_append(&caps, *c);
    }
    privileges_set_caps(s->process->capabilities, caps);
    spec_seccomp_free(s->linux_->seccomp); /* the default profile follows the capabilities */
    s->linux_->seccomp = seccomp_default_profile(caps);
    return 0;
}

static const char *const known_isolators[] = {
    "resource/cpu", "resource/memory", "os/linux/capabilities-retain-set", "os/linux/capabilities-remove-set",
    "os/linux/no-new-privileges", "os/linux/seccomp-retain-set", "os/linux/seccomp-remove-set",
    "os/linux/oom-score-adj", "os/linux/cpu-shares", NULL,
};

static void warn_unknown(const struct appc_app *a)
{
    yajl_val list = json_member(a->app, "isolators");
    for (size_t i = 0; list && YAJL_IS_ARRAY(list) && i < list->u.array.len; i++) {
        const char *n = YAJL_GET_STRING(json_member(list->u.array.values[i], "name"));
        if (n && !strv_contains((char *const *)known_isolators, n))
            log_warn("isolator %s is not supported: ignored", n);
    }
}

static int apply_gids(const struct appc_app *a, struct spec_user *u)
{
    yajl_val gids = json_member(a->app, "supplementaryGIDs");
    for (size_t i = 0; gids && YAJL_IS_ARRAY(gids) && i < gids->u.array.len; i++) {
        uint32_t gid = (uint32_t)YAJL_GET_INTEGER(gids->u.array.values[i]);
        bool have = false;
        for (size_t j = 0; j < u->n_additional_gids; j++)
            have = have || u->additional_gids[j] == gid;
        if (have)
            continue;
        u->additional_gids = xrealloc(u->additional_gids, (u->n_additional_gids + 1) * sizeof(uint32_t));
        u->additional_gids[u->n_additional_gids++] = gid;
    }
    return 0;
}

static int apply_oom(const struct appc_app *a, struct spec_process *p, struct error **err)
{
    yajl_val v = appc_isolator(a, "os/linux/oom-score-adj");
    if (!v)
        return 0;
    if (!YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < -1000 || YAJL_GET_INTEGER(v) > 1000)
        return error_setc(err, EXIT_INVALID, 0, "isolator os/linux/oom-score-adj: expected an integer in -1000..1000");
    p->has_oom_score_adj = true;
    p->oom_score_adj = (int)YAJL_GET_INTEGER(v);
    return 0;
}

int appc_apply_process(const struct appc_app *a, const struct config_opts *o, struct spec *s, struct error **err)
{
    if (!a || !a->app)
        return 0;
    warn_unknown(a);
    if (!o->privileges.seccomp && !o->privileges.privileged && appc_apply_seccomp(a, s, err) < 0)
        return -1;
    yajl_val nnp = appc_isolator(a, "os/linux/no-new-privileges");
    if (nnp && !YAJL_IS_TRUE(nnp) && !YAJL_IS_FALSE(nnp))
        return error_setc(err, EXIT_INVALID, 0, "isolator os/linux/no-new-privileges: expected true or false");
    if (nnp)
        s->process->no_new_privileges = YAJL_IS_TRUE(nnp);
    if (apply_oom(a, s->process, err) < 0)
        return -1;
    return apply_gids(a, &s->process->user);
}

/* limit, else request, of a resource isolator; -1 when neither. */
static double resource(const struct appc_app *a, const char *name)
{
    yajl_val v = appc_isolator(a, name);
    yajl_val q = v ? json_member(v, "limit") : NULL;
    if (!q && v)
        q = json_member(v, "request");
    double d;
    return q && appc_quantity(q, name, &d, NULL) == 0 ? d : -1;
}

void appc_resource_flags(const struct appc_app *a, struct resource_flags *f)
{
    if (!a || !a->app)
        return;
    double mem = resource(a, "resource/memory"), cpu = resource(a, "resource/cpu");
    if (!f->has_memory && mem >= 1) {
        f->has_memory = true;
        f->memory = (int64_t)mem;
    }
    if (!f->has_cpus && cpu > 0) {
        f->has_cpus = true;
        f->cpus = cpu;
    }
}

void appc_apply_cpu_shares(const struct appc_app *a, const struct config_opts *o, struct spec *s)
{
    yajl_val v = appc_isolator(a, "os/linux/cpu-shares");
    if (!v || o->resources.has_cpus || !YAJL_IS_INTEGER(v) || YAJL_GET_INTEGER(v) < 2)
        return;
    s->linux_->resources->has_cpu = true;
    s->linux_->resources->cpu.has_shares = true;
    s->linux_->resources->cpu.shares = (uint64_t)YAJL_GET_INTEGER(v);
}
