/* The process part of config.json: args, env, cwd and user from the image
 * and the command line; then the whole spec. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/config/config.h"
#include "imagetool/config/config_appc.h"
#include "imagetool/config/user.h"

static void strv_extend(char ***dst, char *const *src)
{
    for (; src && *src; src++)
        strv_append(dst, *src);
}

int config_args(const struct image_config *ic, const struct config_opts *o, char ***out, struct error **err)
{
    (void)err;
    char *const *entry = o->has_entrypoint ? o->entrypoint : ic->entrypoint;
    /* Docker: a new entrypoint drops the image's Cmd; arguments replace it. */
    char *const *cmd = o->args ? o->args : o->has_entrypoint ? NULL : ic->cmd;
    char **args = NULL;
    strv_extend(&args, entry);
    strv_extend(&args, cmd);
    if (!args) {
        /* As umoci and `runc spec`: a shell, so the bundle still runs. */
        log_warn("the image has no Entrypoint or Cmd: running \"%s\" (give a command after the bundle path)",
                 NO_COMMAND_DEFAULT);
        strv_append(&args, NO_COMMAND_DEFAULT);
    }
    *out = args;
    return 0;
}

static size_t env_name_len(const char *kv)
{
    const char *eq = strchr(kv, '=');
    return eq ? (size_t)(eq - kv) : strlen(kv);
}

static char **env_find(char **env, const char *kv)
{
    size_t n = env_name_len(kv);
    for (char **e = env; e && *e; e++)
        if (env_name_len(*e) == n && strncmp(*e, kv, n) == 0)
            return e;
    return NULL;
}

static void env_set(char ***env, const char *kv)
{
    char **slot = env_find(*env, kv);
    if (slot) {
        free(*slot);
        *slot = xstrdup(kv);
    } else {
        strv_append(env, kv);
    }
}

int config_env(char *const *image_env, char *const *overrides, char ***out, struct error **err)
{
    char **env = NULL;
    strv_extend(&env, image_env);
    for (char *const *o = overrides; o && *o; o++) {
        if (env_name_len(*o) == 0) {
            strv_free(env);
            return error_setc(err, EXIT_USAGE, 0, "--env \"%s\": empty variable name", *o);
        }
        if (strchr(*o, '=')) {
            env_set(&env, *o);
            continue;
        }
        const char *host = getenv(*o); /* Docker: "--env NAME" passes our value through */
        if (host) {
            CLEANUP_FREE char *kv = xasprintf("%s=%s", *o, host);
            env_set(&env, kv);
        }
    }
    *out = env;
    return 0;
}

void env_default(char ***env, const char *name, const char *value, bool first)
{
    CLEANUP_FREE char *kv = xasprintf("%s=%s", name, value);
    if (env_find(*env, kv))
        return;
    strv_append(env, kv);
    if (first) {
        size_t n = strv_len(*env);
        char *added = (*env)[n - 1];
        memmove(*env + 1, *env, (n - 1) * sizeof(char *));
        (*env)[0] = added;
    }
}

int parse_entrypoint(const char *text, char ***out, struct error **err)
{
    *out = NULL;
    if (text[0] != '[') {
        if (*text)
            strv_append(out, text);
        return 0;
    }
    CLEANUP_JSON yajl_val v = NULL;
    if (json_parse(text, strlen(text), "--entrypoint", &v, NULL) < 0 || !YAJL_IS_ARRAY(v))
        return error_setc(err, EXIT_USAGE, 0, "--entrypoint: expected a JSON array of strings");
    for (size_t i = 0; i < v->u.array.len; i++) {
        const char *s;
        CLEANUP_FREE char *path = xasprintf("--entrypoint[%zu]", i);
        if (json_as_string(v->u.array.values[i], path, &s, err) < 0) {
            strv_free(TAKE_PTR(*out));
            (*err)->exit_class = EXIT_USAGE;
            return -1;
        }
        strv_append(out, s);
    }
    return 0;
}

static char *absolute_cwd(const char *dir)
{
    if (!dir || !*dir)
        return xstrdup("/");
    return dir[0] == '/' ? xstrdup(dir) : xasprintf("/%s", dir);
}

static int build_process(const struct image_config *ic, int rootfd, const struct config_opts *o,
                         struct spec_process *p, struct error **err)
{
    if (config_args(ic, o, &p->args, err) < 0 || config_env(ic->env, o->env, &p->env, err) < 0)
        return -1;
    env_default(&p->env, "PATH", DEFAULT_PATH_ENV + strlen("PATH="), true);
    free(p->cwd);
    p->cwd = absolute_cwd(ic->working_dir);
    struct resolved_user u;
    if (user_resolve(rootfd, o->user ? o->user : ic->user, &u, err) < 0)
        return -1;
    env_default(&p->env, "HOME", u.home, false);
    p->user.uid = u.uid;
    p->user.gid = u.gid;
    p->user.additional_gids = TAKE_PTR(u.additional_gids);
    p->user.n_additional_gids = u.n_additional_gids;
    resolved_user_clear(&u);
    return 0;
}

int config_build(const struct image_config *ic, int rootfd, const struct config_opts *o, struct spec **out,
                 struct error **err)
{
    CLEANUP_APPC_APP struct appc_app *appc = NULL;
    if (appc_app_load(ic, &appc, err) < 0 || appc_check_command(appc, o, err) < 0)
        return -1;
    CLEANUP_SPEC struct spec *s = defaults_new_spec(&o->defaults);
    if (appc_apply_caps(appc, s, err) < 0 || privileges_apply(s, &o->privileges, err) < 0)
        return -1;
    if (build_process(ic, rootfd, o, s->process, err) < 0 || appc_apply_process(appc, o, s, err) < 0 ||
        appc_apply_volumes(appc, o->volumes, s, err) < 0)
        return -1;
    if (o->hostname)
        s->hostname = xstrdup(o->hostname);
    struct resource_flags res = o->resources;
    appc_resource_flags(appc, &res);
    resources_apply(s, &res);
    if (appc)
        appc_apply_cpu_shares(appc, o, s);
    config_annotations(ic, s);
    *out = TAKE_PTR(s);
    return 0;
}
