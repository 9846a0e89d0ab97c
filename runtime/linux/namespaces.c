/* Namespaces: created by clone (or by unshare after joining a user namespace
 * by path) or joined with setns. */
#include "runtime/linux/namespaces.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

static const struct {
    const char *spec, *proc;
    int flag;
} kinds[NS_KINDS] = {
    [NS_USER] = { "user", "user", CLONE_NEWUSER },
    [NS_PID] = { "pid", "pid", CLONE_NEWPID },
    [NS_NET] = { "network", "net", CLONE_NEWNET },
    [NS_IPC] = { "ipc", "ipc", CLONE_NEWIPC },
    [NS_UTS] = { "uts", "uts", CLONE_NEWUTS },
    [NS_MNT] = { "mount", "mnt", CLONE_NEWNS },
    [NS_CGROUP] = { "cgroup", "cgroup", CLONE_NEWCGROUP },
};

const char *ns_spec_name(enum ns_kind k) { return kinds[k].spec; }
const char *ns_proc_name(enum ns_kind k) { return kinds[k].proc; }
int ns_clone_flag(enum ns_kind k) { return kinds[k].flag; }

static int kind_of(const char *type)
{
    for (int k = 0; k < NS_KINDS; k++)
        if (strcmp(kinds[k].spec, type) == 0)
            return k;
    return -1;
}

static int open_ns_path(struct ns_plan *p, int k, const char *path, struct error **err)
{
    int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_setc(err, EXIT_INVALID, errno, "linux.namespaces: %s: open %s",
                          kinds[k].spec, path);
    int type = ioctl(fd, NS_GET_NSTYPE);
    if (type != kinds[k].flag) {
        close(fd);
        return error_setc(err, EXIT_INVALID, 0, "linux.namespaces: %s: %s is not a %s namespace",
                          kinds[k].spec, path, kinds[k].spec);
    }
    p->join_fd[k] = fd;
    p->join_path[k] = xstrdup(path);
    return 0;
}

int ns_plan_build(const struct spec *s, struct ns_plan *p, struct error **err)
{
    memset(p, 0, sizeof(*p));
    for (int k = 0; k < NS_KINDS; k++)
        p->join_fd[k] = -1;
    const struct spec_linux *l = s->linux_;
    for (size_t i = 0; l && i < l->n_namespaces; i++) {
        const struct spec_namespace *ns = &l->namespaces[i];
        int k = kind_of(ns->type ? ns->type : "");
        if (k < 0)
            return error_setc(err, EXIT_INVALID, 0, "linux.namespaces[%zu].type: %s namespace %s",
                              i, ns->type && strcmp(ns->type, "time") == 0 ? "not supported yet:" : "unknown",
                              ns->type ? ns->type : "(missing)");
        if (p->wanted[k])
            return error_setc(err, EXIT_INVALID, 0, "linux.namespaces: duplicate %s namespace", ns->type);
        p->wanted[k] = true;
        if (ns->path && *ns->path && open_ns_path(p, k, ns->path, err) < 0)
            return error_prefix(err, "linux.namespaces[%zu]", i);
    }
    bool joins_other = false;
    for (int k = NS_NET; k <= NS_MNT; k++)
        joins_other |= p->join_fd[k] >= 0;
    p->two_step = p->join_fd[NS_USER] >= 0 || (ns_new(p, NS_USER) && joins_other);
    for (int k = 0; k < NS_KINDS; k++) {
        if (!ns_new(p, k) || k == NS_CGROUP || (p->two_step && k == NS_USER))
            continue;
        /* Namespaces made after joining a user namespace must be made from
         * inside it, so they are owned by it. */
        if (p->two_step)
            p->unshare_flags |= kinds[k].flag;
        else
            p->clone_flags |= kinds[k].flag;
    }
    return 0;
}

bool ns_new(const struct ns_plan *p, enum ns_kind k)
{
    return p->wanted[k] && p->join_fd[k] < 0;
}

void ns_plan_release(struct ns_plan *p)
{
    for (int k = 0; k < NS_KINDS; k++) {
        if (p->join_fd[k] >= 0)
            close(p->join_fd[k]);
        p->join_fd[k] = -1;
        free(p->join_path[k]);
        p->join_path[k] = NULL;
    }
}

int ns_join_pid_for_children(const struct ns_plan *p, struct error **err)
{
    if (p->join_fd[NS_PID] >= 0 && setns(p->join_fd[NS_PID], CLONE_NEWPID) < 0)
        return error_set(err, errno, "setns pid namespace %s", p->join_path[NS_PID]);
    return 0;
}

void ns_reset_pid_for_children(const struct ns_plan *p)
{
    if (p->join_fd[NS_PID] < 0)
        return;
    /* /proc/self/ns/pid is the pid namespace we live in, whatever
     * pid_for_children says: later children (sanitizer helpers) belong there. */
    int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        setns(fd, CLONE_NEWPID);
        close(fd);
    }
}

static int join(const struct ns_plan *p, int k, struct error **err)
{
    if (p->join_fd[k] >= 0 && setns(p->join_fd[k], kinds[k].flag) < 0)
        return error_set(err, errno, "setns %s namespace %s", kinds[k].spec, p->join_path[k]);
    return 0;
}

int ns_join_user(const struct ns_plan *p, struct error **err)
{
    return join(p, NS_USER, err);
}

int ns_unshare_rest(const struct ns_plan *p, struct error **err)
{
    if (p->unshare_flags && unshare(p->unshare_flags) < 0)
        return error_set(err, errno, "unshare namespaces");
    return 0;
}

int ns_enter_early(const struct ns_plan *p, struct error **err)
{
    static const int order[] = { NS_IPC, NS_UTS, NS_NET, NS_MNT };
    for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++)
        if (join(p, order[i], err) < 0)
            return -1;
    return 0;
}

int ns_enter_cgroup(const struct ns_plan *p, struct error **err)
{
    if (ns_new(p, NS_CGROUP) && unshare(CLONE_NEWCGROUP) < 0)
        return error_set(err, errno, "unshare cgroup namespace");
    return join(p, NS_CGROUP, err);
}
