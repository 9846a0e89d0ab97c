/* Everything in linux.seccomp that can be checked without the kernel. */
#include "seccomp_plan.h"

#include <seccomp.h>
#include <string.h>

#define INVALID(...) error_setc(err, EXIT_INVALID, 0, __VA_ARGS__)

/* The syscall the container's process makes between loading the filter
 * and the listener having the notify fd: it writes the fd's number to the
 * runtime, which takes the fd with pidfd_getfd and sends it on. Notifying
 * on it would make the process wait on a listener that never gets the fd
 * (runc refuses it too). */
static bool notify_would_deadlock(const char *name)
{
    return strcmp(name, "write") == 0;
}

static int validate_args(const struct spec_seccomp_syscall *sc, size_t i, struct error **err)
{
    for (size_t a = 0; a < sc->n_args; a++) {
        const struct spec_seccomp_arg *arg = &sc->args[a];
        if (arg->index > 5)
            return INVALID("linux.seccomp.syscalls[%zu].args[%zu].index: %u is out of range (0-5)", i, a, arg->index);
        if (arg->op == NULL || seccomp_op_from_name(arg->op) < 0)
            return INVALID("linux.seccomp.syscalls[%zu].args[%zu].op: unknown operator \"%s\"", i, a,
                           arg->op ? arg->op : "");
    }
    return 0;
}

static int validate_syscall(const struct spec_seccomp_syscall *sc, size_t i, bool *notify, struct error **err)
{
    uint32_t act;
    if (sc->names == NULL || sc->names[0] == NULL)
        return INVALID("linux.seccomp.syscalls[%zu].names: must list at least one syscall", i);
    if (sc->action == NULL || seccomp_action_from_name(sc->action, sc->has_errno_ret, sc->errno_ret, &act) < 0)
        return INVALID("linux.seccomp.syscalls[%zu].action: unknown action \"%s\"", i, sc->action ? sc->action : "");
    if (act == SCMP_ACT_NOTIFY) {
        *notify = true;
        for (size_t n = 0; sc->names[n]; n++)
            if (notify_would_deadlock(sc->names[n]))
                return INVALID("linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY cannot be used for \"%s\" "
                               "(the container's process needs it to hand the notify fd to the runtime)",
                               i, sc->names[n]);
    }
    return validate_args(sc, i, err);
}

int seccomp_validate(const struct spec_seccomp *sc, struct error **err)
{
    uint32_t act, arch;
    unsigned int flag;
    if (sc->default_action == NULL)
        return INVALID("linux.seccomp.defaultAction: required");
    if (seccomp_action_from_name(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret, &act) < 0)
        return INVALID("linux.seccomp.defaultAction: unknown action \"%s\"", sc->default_action);
    if (act == SCMP_ACT_NOTIFY)
        return INVALID("linux.seccomp.defaultAction: SCMP_ACT_NOTIFY cannot be the default action");
    for (size_t i = 0; sc->architectures && sc->architectures[i]; i++)
        if (seccomp_arch_from_name(sc->architectures[i], &arch) < 0)
            return INVALID("linux.seccomp.architectures[%zu]: unknown architecture \"%s\"", i, sc->architectures[i]);
    for (size_t i = 0; sc->flags && sc->flags[i]; i++)
        if (seccomp_flag_from_name(sc->flags[i], &flag) < 0)
            return INVALID("linux.seccomp.flags[%zu]: unknown flag \"%s\"", i, sc->flags[i]);
    bool notify = false;
    for (size_t i = 0; i < sc->n_syscalls; i++)
        if (validate_syscall(&sc->syscalls[i], i, &notify, err) < 0)
            return -1;
    /* A listenerPath without SCMP_ACT_NOTIFY rules is ignored (runc's rule). */
    if (notify && (sc->listener_path == NULL || sc->listener_path[0] == '\0'))
        return INVALID("linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY");
    return 0;
}
