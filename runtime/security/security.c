/* Until the security issue lands: validation refuses what is not enforced
 * yet (so nothing is silently ignored) and the rest keeps root's full
 * capability set, as a bare container would have. */
#include "security.h"

#include <errno.h>
#include <stdlib.h>
#include <sys/prctl.h>

#include "common/cleanup.h"

struct security_plan {
    bool no_new_privs;
};

int security_validate(const struct spec *s, struct error **err)
{
    const struct spec_process *p = s->process;
    if (s->linux_ && s->linux_->seccomp)
        return error_setc(err, EXIT_INVALID, 0, "linux.seccomp: not supported by this build yet");
    if (p && (p->apparmor_profile || p->selinux_label))
        return error_setc(err, EXIT_INVALID, 0, "process: apparmorProfile/selinuxLabel: not supported on this host");
    return 0;
}

int security_prepare(const struct spec *s, struct security_plan **out, struct error **err)
{
    (void)err;
    struct security_plan *p = xcalloc(1, sizeof(*p));
    p->no_new_privs = s->process && s->process->no_new_privileges;
    *out = p;
    return 0;
}

int security_drop_bounding(const struct security_plan *p, struct error **err)
{
    (void)p;
    (void)err;
    return 0;
}

int security_apply_caps(const struct security_plan *p, struct error **err)
{
    (void)p;
    (void)err;
    return 0;
}

int security_finish(const struct security_plan *p, const char *state_json, struct error **err)
{
    (void)state_json;
    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    return 0;
}

void security_plan_free(struct security_plan *p)
{
    free(p);
}
