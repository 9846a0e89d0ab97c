/* exec's process: a process file or config.json's process plus CMD, and
 * the flags on top. */
#include "runtime/exec/exec_process.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/cli.h"
#include "common/strv.h"
#include "common/xalloc.h"

static int parse_id(const char *s, const char *what, uint32_t *out, struct error **err)
{
    char *end;
    errno = 0;
    unsigned long v = strtoul(s, &end, 10);
    if (*s == '\0' || *s == '-' || *end || errno || v > UINT32_MAX)
        return cli_usage_error(err, "%s: expected a number, got '%s'", what, s);
    *out = (uint32_t)v;
    return 0;
}

/* runc's --user: UID[:GID], numbers only; the gid is 0 when left out. */
static int apply_user(struct spec_process *p, const char *user, struct error **err)
{
    CLEANUP_FREE char *copy = xstrdup(user);
    char *colon = strchr(copy, ':');
    uint32_t gid = 0;
    if (colon) {
        *colon = '\0';
        if (parse_id(colon + 1, "--user", &gid, err) < 0)
            return -1;
    }
    if (parse_id(copy, "--user", &p->user.uid, err) < 0)
        return -1;
    p->user.gid = gid;
    return 0;
}

static int apply_gids(struct spec_process *p, const char **gids, struct error **err)
{
    for (size_t i = 0; gids && gids[i]; i++) {
        uint32_t gid;
        if (parse_id(gids[i], "--additional-gids", &gid, err) < 0)
            return -1;
        p->user.additional_gids =
            xrealloc(p->user.additional_gids, (p->user.n_additional_gids + 1) * sizeof(uint32_t));
        p->user.additional_gids[p->user.n_additional_gids++] = gid;
    }
    return 0;
}

static void apply_caps(struct spec_process *p, const char **caps)
{
    if (caps == NULL || caps[0] == NULL)
        return;
    if (p->capabilities == NULL)
        p->capabilities = xcalloc(1, sizeof(*p->capabilities));
    struct spec_capabilities *c = p->capabilities;
    char ***sets[] = { &c->bounding, &c->effective, &c->inheritable, &c->permitted, &c->ambient };
    for (size_t i = 0; caps[i]; i++)
        for (size_t k = 0; k < sizeof(sets) / sizeof(sets[0]); k++)
            strv_append(sets[k], caps[i]);
}

static void replace_str(char **field, const char *value)
{
    if (value == NULL)
        return;
    free(*field);
    *field = xstrdup(value);
}

/* A deep copy of the parts of config.json's process exec starts from. */
static int base_from_config(const struct spec *config, char **args, struct spec_process **out, struct error **err)
{
    if (args == NULL || args[0] == NULL)
        return cli_usage_error(err, "exec: a command to run (or --process FILE) is needed");
    if (config->process == NULL)
        return error_setc(err, EXIT_INVALID, 0, "config.json has no process to base the exec on (use --process FILE)");
    const struct spec_process *c = config->process;
    struct spec_process *p = xcalloc(1, sizeof(*p));
    p->user = c->user;
    p->user.username = c->user.username ? xstrdup(c->user.username) : NULL;
    p->user.additional_gids = xcalloc(c->user.n_additional_gids + 1, sizeof(uint32_t));
    if (c->user.n_additional_gids)
        memcpy(p->user.additional_gids, c->user.additional_gids, c->user.n_additional_gids * sizeof(uint32_t));
    p->args = strv_copy((const char *const *)args);
    p->env = strv_copy((const char *const *)c->env);
    p->cwd = c->cwd ? xstrdup(c->cwd) : NULL;
    if (c->capabilities) {
        p->capabilities = xcalloc(1, sizeof(*p->capabilities));
        p->capabilities->bounding = strv_copy((const char *const *)c->capabilities->bounding);
        p->capabilities->effective = strv_copy((const char *const *)c->capabilities->effective);
        p->capabilities->inheritable = strv_copy((const char *const *)c->capabilities->inheritable);
        p->capabilities->permitted = strv_copy((const char *const *)c->capabilities->permitted);
        p->capabilities->ambient = strv_copy((const char *const *)c->capabilities->ambient);
    }
    p->rlimits = xcalloc(c->n_rlimits + 1, sizeof(*p->rlimits));
    for (size_t i = 0; i < c->n_rlimits; i++) {
        p->rlimits[i] = c->rlimits[i];
        p->rlimits[i].type = xstrdup(c->rlimits[i].type);
    }
    p->n_rlimits = c->n_rlimits;
    p->no_new_privileges = c->no_new_privileges;
    p->apparmor_profile = c->apparmor_profile ? xstrdup(c->apparmor_profile) : NULL;
    p->selinux_label = c->selinux_label ? xstrdup(c->selinux_label) : NULL;
    p->has_oom_score_adj = c->has_oom_score_adj;
    p->oom_score_adj = c->oom_score_adj;
    *out = p;
    return 0;
}

int exec_process_build(const struct exec_overrides *o, const struct spec *config, struct spec_process **out,
                       struct error **err)
{
    CLEANUP_SPEC_PROCESS struct spec_process *p = NULL;
    if (o->process_file) {
        if (o->args && o->args[0])
            return cli_usage_error(err, "exec: give either --process FILE or a command, not both");
        if (spec_parse_process_file(o->process_file, &p, err) < 0)
            return -1;
    } else if (base_from_config(config, o->args, &p, err) < 0) {
        return -1;
    }
    if (!o->process_file)
        p->terminal = false;
    if (o->tty >= 0)
        p->terminal = o->tty;
    if (o->no_new_privs >= 0)
        p->no_new_privileges = o->no_new_privs;
    replace_str(&p->cwd, o->cwd);
    replace_str(&p->selinux_label, o->process_label);
    replace_str(&p->apparmor_profile, o->apparmor);
    for (size_t i = 0; o->env && o->env[i]; i++)
        strv_append(&p->env, o->env[i]);
    apply_caps(p, o->caps);
    if ((o->user && apply_user(p, o->user, err) < 0) || apply_gids(p, o->gids, err) < 0)
        return -1;
    *out = TAKE_PTR(p);
    return 0;
}
