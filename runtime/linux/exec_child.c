/* exec's child: cgroup, namespaces, user, capabilities, security, exec.
 * Every failure goes to the parent as one message naming the step. */
#include "runtime/linux/exec_child.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/linux/become_user.h"
#include "runtime/linux/cgroup_join.h"
#include "runtime/linux/keyring.h"
#include "runtime/linux/notify_handover.h"
#include "runtime/linux/process.h"
#include "runtime/linux/sync.h"
#include "runtime/linux/terminal.h"

__attribute__((noreturn)) static void fail(const struct exec_child_args *a, struct error *e)
{
    if (sync_send(a->sync_fd, SYNC_ERROR, e) < 0)
        dprintf(STDERR_FILENO, "runtime: exec: %s\n", e->msg);
    _exit(1);
}

static int set_oom_score_adj(const struct spec_process *p, struct error **err)
{
    if (!p->has_oom_score_adj)
        return 0;
    char val[16];
    int len = snprintf(val, sizeof(val), "%d", p->oom_score_adj);
    CLEANUP_CLOSE int fd = open("/proc/self/oom_score_adj", O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, val, len) != len)
        return error_set(err, errno, "process.oomScoreAdj: write %d", p->oom_score_adj);
    return 0;
}

/* As the init's: before anything is resolved, only the preserved fds, the
 * sync socket, the namespace fds to join and the seccomp listener's stay
 * open (the cgroup directory fd of CLONE_INTO_CGROUP and the caller's fds
 * go), so no /proc/self/fd/N reaches a host directory. */
static int close_host_fds(const struct exec_child_args *a, struct error **err)
{
    int keep[3 + NS_KINDS];
    size_t n = security_plan_fds(a->sec, keep);
    keep[n++] = a->sync_fd;
    for (int k = 0; k < NS_KINDS; k++)
        keep[n++] = a->ns->fd[k];
    return process_close_host_fds(a->preserve_fds, keep, n, err);
}

static int enter(const struct exec_child_args *a, struct error **err)
{
    if (prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_DUMPABLE)");
    if (close_host_fds(a, err) < 0)
        return -1;
    /* The parent lets us go once we sit in the container's cgroup. */
    struct sync_msg m;
    if (sync_recv(a->sync_fd, &m, err) < 0)
        return -1;
    if (m.type != SYNC_GO)
        _exit(1);
    if (a->join_cgroup_v1 && cgroup_join_self_v1(a->cgroup, err) < 0)
        return -1;
    if (set_oom_score_adj(a->process, err) < 0)
        return -1;
    if (ns_attach_enter(a->ns, err) < 0)
        return -1;
    return keyring_join_session(a->keyring_id, err);
}

/* A pty of the container's devpts, its master to the parent. */
static int send_terminal(const struct exec_child_args *a, struct error **err)
{
    int master = terminal_setup(a->process, false, err);
    if (master < 0)
        return -1;
    int rc = sync_send_fd(a->sync_fd, SYNC_PTY, 0, master);
    close(master);
    return rc < 0 ? error_set(err, errno, "process.terminal: send the terminal to the runtime") : 0;
}

void exec_child_main(const struct exec_child_args *a)
{
    CLEANUP_ERROR struct error *err = NULL;
    struct exec_plan x = { 0 };
    if (enter(a, &err) < 0 || (a->process->terminal && send_terminal(a, &err) < 0) ||
        process_become_user(a->process, a->sec, &err) < 0 || process_prepare_exec(a->process, &x, &err) < 0 ||
        process_close_fds(a->preserve_fds, &err) < 0)
        fail(a, err);
    int sync_fd = a->sync_fd;
    struct notify_handover h = { notify_handover_sync, &sync_fd };
    if (security_finish(a->sec, a->state_json, &h, &err) < 0) {
        error_prefix(&err, "security");
        fail(a, err);
    }
    process_exec(a->process, &x, &err);
    fail(a, err);
}
