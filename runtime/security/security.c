/* The order of the security steps (see security.h) and the last guards
 * before exec. */
#include "security.h"

#include <errno.h>
#include <limits.h>
#include <linux/capability.h>
#include <stdlib.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "caps.h"
#include "common/cleanup.h"
#include "common/xalloc.h"
#include "lsm.h"
#include "seccomp_plan.h"

struct security_plan {
    struct caps_plan caps;
    bool no_new_privs;
    struct seccomp_plan *seccomp; /* NULL: no filter */
    char *apparmor_profile;
    char *selinux_label;
};

int security_validate(const struct spec *s, struct error **err)
{
    const struct spec_process *p = s->process;
    if (p && caps_validate(p->capabilities, err) < 0)
        return -1;
    if (lsm_validate(p, err) < 0)
        return -1;
    if (s->linux_ && s->linux_->seccomp && seccomp_validate(s->linux_->seccomp, err) < 0)
        return -1;
    return 0;
}

int security_prepare(const struct spec *s, struct security_plan **out, struct error **err)
{
    struct security_plan *p = xcalloc(1, sizeof(*p));
    const struct spec_process *proc = s->process;
    if (proc) {
        caps_plan_build(proc->capabilities, caps_last_cap(), proc->user.uid, &p->caps);
        p->no_new_privs = proc->no_new_privileges;
        if (proc->apparmor_profile && proc->apparmor_profile[0])
            p->apparmor_profile = xstrdup(proc->apparmor_profile);
        if (proc->selinux_label && proc->selinux_label[0])
            p->selinux_label = xstrdup(proc->selinux_label);
    }
    if (s->linux_ && s->linux_->seccomp && seccomp_compile(s->linux_->seccomp, &p->seccomp, err) < 0) {
        security_plan_free(p);
        return -1;
    }
    *out = p;
    return 0;
}

int security_drop_bounding(const struct security_plan *p, struct error **err)
{
    return caps_drop_bounding(&p->caps, err);
}

/* Without no_new_privs, loading a filter needs CAP_SYS_ADMIN: keep it
 * until the filter is in, and finish the sets in security_finish. */
static bool seccomp_needs_admin(const struct security_plan *p)
{
    return p->seccomp && !p->no_new_privs;
}

int security_apply_caps(const struct security_plan *p, struct error **err)
{
    uint64_t extra = seccomp_needs_admin(p) ? UINT64_C(1) << CAP_SYS_ADMIN : 0;
    if (caps_apply_sets(&p->caps, extra, err) < 0)
        return -1;
    return extra ? 0 : caps_raise_ambient(&p->caps, err);
}

/* CVE-2024-21626: a cwd reached through a leaked host directory fd reads
 * back as unreachable; never exec there. */
static int check_cwd_inside_root(struct error **err)
{
    char buf[PATH_MAX];
    if (getcwd(buf, sizeof(buf)) == NULL || buf[0] != '/')
        return error_setc(err, EXIT_PERM, 0, "process.cwd: the working directory is outside the container's root");
    return 0;
}

/* The message is built before loading (nothing is allocated after), when
 * the child may have to send the fd itself. */
static int load_seccomp(const struct security_plan *p, const char *state_json, const struct notify_handover *h,
                        struct error **err)
{
    const struct seccomp_plan *sp = p->seccomp;
    CLEANUP_FREE char *msg = NULL;
    if (sp->notify && sp->self_send_ok && seccomp_listener_message(sp, state_json, 0, &msg, err) < 0)
        return -1;
    int notify_fd = -1;
    if (seccomp_plan_load(sp, &notify_fd, err) < 0)
        return -1;
    if (notify_fd < 0)
        return 0;
    struct notify_fds f = { .notify_fd = notify_fd, .listener_fd = sp->listener_fd, .self_send_ok = sp->self_send_ok };
    int rc = h ? h->hand_over(h->ctx, &f, err) : 0;
    if (rc == 0 && msg == NULL)
        rc = error_set(err, 0, "send the seccomp notify fd: a rule notifies the syscalls it needs");
    else if (rc == 0)
        rc = seccomp_send_listener(sp->listener_fd, notify_fd, msg, err);
    close(notify_fd);
    close(sp->listener_fd);
    return rc < 0 ? -1 : 0;
}

int security_finish(const struct security_plan *p, const char *state_json, const struct notify_handover *h,
                    struct error **err)
{
    if (lsm_apply(p->apparmor_profile, p->selinux_label, err) < 0)
        return -1;
    if (check_cwd_inside_root(err) < 0)
        return -1;
    if (p->no_new_privs && prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_NO_NEW_PRIVS)");
    if (p->seccomp == NULL)
        return 0;
    if (load_seccomp(p, state_json, h, err) < 0)
        return -1;
    if (!seccomp_needs_admin(p))
        return 0;
    if (caps_apply_sets(&p->caps, 0, err) < 0 || caps_raise_ambient(&p->caps, err) < 0)
        return error_prefix(err, "after loading the seccomp filter");
    return 0;
}

void security_plan_free(struct security_plan *p)
{
    if (p == NULL)
        return;
    seccomp_plan_free(p->seccomp);
    free(p->apparmor_profile);
    free(p->selinux_label);
    free(p);
}

const struct seccomp_plan *security_seccomp(const struct security_plan *p)
{
    return p ? p->seccomp : NULL;
}

bool security_plan_notifies(const struct security_plan *p)
{
    return p && p->seccomp && p->seccomp->notify;
}

size_t security_plan_fds(const struct security_plan *p, int fds[2])
{
    size_t n = 0;
    if (p && p->seccomp && p->seccomp->listener_fd >= 0)
        fds[n++] = p->seccomp->listener_fd;
    if (p && p->seccomp && p->seccomp->host_pidns_fd >= 0)
        fds[n++] = p->seccomp->host_pidns_fd;
    return n;
}
