/* os/linux/seccomp-retain-set and -remove-set as seccomp profiles. */
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/config/config_appc_private.h"
#include "imagetool/config/seccomp_default.h"

#define ERRNO_MAX 4095

/* What a process needs to start and end under any retain set. */
static const char *const always_allowed[] = { "execve", "execveat", "exit", "exit_group", "rt_sigreturn",
                                              "futex", "brk", "arch_prctl", NULL };

/* "EPERM" -> 1; "" or absent -> 0 (kill instead). */
static int errno_value(yajl_val value, const char *what, uint32_t *out, struct error **err)
{
    const char *name = YAJL_GET_STRING(json_member(value, "errno"));
    *out = 0;
    if (!name || !*name)
        return 0;
    static const char *const aliases[][2] = { { "ENOTSUP", "EOPNOTSUPP" }, { "EWOULDBLOCK", "EAGAIN" },
                                              { "EDEADLOCK", "EDEADLK" } };
    for (size_t i = 0; i < sizeof(aliases) / sizeof(aliases[0]); i++)
        if (strcmp(name, aliases[i][0]) == 0)
            name = aliases[i][1];
    for (int i = 1; i < ERRNO_MAX; i++) {
        const char *n = strerrorname_np(i);
        if (n && strcmp(n, name) == 0) {
            *out = (uint32_t)i;
            return 0;
        }
    }
    return error_setc(err, EXIT_INVALID, 0, "isolator %s: value.errno: \"%s\" is not an errno name", what, name);
}

/* value.set without the "@" wildcards; *all / *empty when one of them is there. */
static int syscall_set(yajl_val value, const char *what, char ***out, bool *wild_all, bool *wild_empty,
                       struct error **err)
{
    yajl_val set = json_member(value, "set");
    if (!set || !YAJL_IS_ARRAY(set) || set->u.array.len == 0)
        return error_setc(err, EXIT_INVALID, 0, "isolator %s: value.set: expected a non-empty list of syscalls", what);
    for (size_t i = 0; i < set->u.array.len; i++) {
        const char *name = YAJL_GET_STRING(set->u.array.values[i]);
        if (!name)
            return error_setc(err, EXIT_INVALID, 0, "isolator %s: value.set[%zu]: not a string", what, i);
        if (strcmp(name, "@appc.io/all") == 0)
            *wild_all = true;
        else if (strcmp(name, "@appc.io/empty") == 0)
            *wild_empty = true;
        else if (name[0] == '@')
            log_warn("isolator %s: wildcard \"%s\" is not known here: ignored", what, name);
        else
            strv_append(out, name);
    }
    return 0;
}

static void add_rule(struct spec_seccomp *p, char **names, const char *action, uint32_t errno_ret)
{
    p->syscalls = xrealloc(p->syscalls, (p->n_syscalls + 1) * sizeof(*p->syscalls));
    p->syscalls[p->n_syscalls++] = (struct spec_seccomp_syscall){
        .names = names, .action = xstrdup(action), .has_errno_ret = errno_ret != 0, .errno_ret = errno_ret };
}

static struct spec_seccomp *retain_profile(char **set, uint32_t errno_ret)
{
    struct spec_seccomp *p = xcalloc(1, sizeof(*p));
    p->default_action = xstrdup(errno_ret ? "SCMP_ACT_ERRNO" : "SCMP_ACT_KILL_PROCESS");
    p->has_default_errno_ret = errno_ret != 0;
    p->default_errno_ret = errno_ret;
    for (const char *const *a = always_allowed; *a; a++)
        if (!strv_contains(set, *a))
            strv_append(&set, *a);
    add_rule(p, set, "SCMP_ACT_ALLOW", 0);
    return p;
}

/* The default profile without the removed calls, which fail or kill. */
static void remove_from(struct spec_seccomp *p, char **set, uint32_t errno_ret)
{
    for (size_t i = 0; i < p->n_syscalls; i++) {
        char **kept = xcalloc(1, sizeof(char *));
        for (char **n = p->syscalls[i].names; n && *n; n++)
            if (!strv_contains(set, *n))
                strv_append(&kept, *n);
        strv_free(p->syscalls[i].names);
        p->syscalls[i].names = kept;
    }
    add_rule(p, set, errno_ret ? "SCMP_ACT_ERRNO" : "SCMP_ACT_KILL_PROCESS", errno_ret);
}

int appc_apply_seccomp(const struct appc_app *a, struct spec *s, struct error **err)
{
    static const char *const retain_name = "os/linux/seccomp-retain-set", *const remove_name =
        "os/linux/seccomp-remove-set";
    yajl_val retain = appc_isolator(a, retain_name), remove = appc_isolator(a, remove_name);
    if (retain && remove)
        return error_setc(err, EXIT_INVALID, 0, "isolators: %s and %s cannot go together", retain_name, remove_name);
    if (!retain && !remove)
        return 0;
    const char *what = retain ? retain_name : remove_name;
    char **set = NULL;
    bool all = false, empty = false;
    uint32_t errno_ret = 0;
    if (syscall_set(retain ? retain : remove, what, &set, &all, &empty, err) < 0 ||
        errno_value(retain ? retain : remove, what, &errno_ret, err) < 0) {
        strv_free(set);
        return -1;
    }
    if (retain) {
        spec_seccomp_free(s->linux_->seccomp);
        s->linux_->seccomp = all ? NULL : retain_profile(set, errno_ret);
        if (all)
            strv_free(set);
        return 0;
    }
    if (empty || !set) {
        strv_free(set);
        return 0; /* @appc.io/empty: our default profile alone */
    }
    if (!s->linux_->seccomp)
        s->linux_->seccomp = seccomp_default_profile(s->process->capabilities->bounding);
    remove_from(s->linux_->seccomp, set, errno_ret);
    return 0;
}
