/* The container's init, from clone to exec. Every failure is sent to the
 * parent (which reports it and cleans up) as one message naming the step. */
#include "runtime/linux/init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/hooks.h"
#include "runtime/linux/become_user.h"
#include "runtime/linux/bind_sources.h"
#include "runtime/linux/cgroup_join.h"
#include "runtime/linux/device_stage.h"
#include "runtime/linux/keyring.h"
#include "runtime/linux/notify_handover.h"
#include "runtime/linux/parent_watch.h"
#include "runtime/linux/process.h"
#include "runtime/linux/rootfs.h"
#include "runtime/linux/sysctl.h"
#include "runtime/linux/sync.h"
#include "runtime/linux/terminal.h"

__attribute__((noreturn)) static void fail(const struct init_args *a, struct error *e)
{
    if (sync_send(a->sync_fd, SYNC_ERROR, e) < 0) /* nobody listens any more (after create) */
        dprintf(STDERR_FILENO, "runtime: container init: %s\n", e->msg);
    _exit(1);
}

/* The init's pid as the host sees it (for the hooks' state), from GO. */
static pid_t host_pid;

static int wait_go(const struct init_args *a, struct error **err)
{
    struct sync_msg m;
    for (;;) {
        if (sync_recv(a->sync_fd, &m, err) < 0)
            return -1;
        if (m.type == SYNC_MOUNT_SOURCE)
            bind_sources_keep(a->spec, m.value, m.fd, m.errnum);
        else if (m.type == SYNC_DEVICE_STAGE && m.fd >= 0)
            device_stage_keep(m.fd);
        else
            break;
    }
    if (m.fd >= 0)
        close(m.fd);
    if (m.type != SYNC_GO)
        _exit(1); /* the parent gave up; it cleans up */
    if (m.value > 0)
        host_pid = m.value;
    return 0;
}

static int run_hooks(const struct init_args *a, enum spec_hook_kind k, const char *status, struct error **err)
{
    if (!hooks_any(a->spec, k))
        return 0;
    CLEANUP_FREE char *json = hooks_state_json(a->spec, a->id, a->bundle, host_pid, status);
    return hooks_run(a->spec, k, json, err);
}

/* Mounts made, before pivot_root: the parent runs prestart and
 * createRuntime in its namespaces, then we run createContainer in ours. */
static int before_pivot(void *ctx, struct error **err)
{
    const struct init_args *a = ctx;
    if (hooks_any(a->spec, HOOK_PRESTART) || hooks_any(a->spec, HOOK_CREATE_RUNTIME)) {
        if (sync_send(a->sync_fd, SYNC_HOOKS, NULL) < 0 || wait_go(a, err) < 0)
            _exit(1);
    }
    return run_hooks(a, HOOK_CREATE_CONTAINER, "creating", err);
}

static int become_root_in_userns(const struct init_args *a, struct error **err)
{
    if (!a->ns->wanted[NS_USER])
        return 0;
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return error_set(err, errno, "become root in the user namespace (is 0 mapped?)");
    return 0;
}

/* The pty of process.terminal, made in the container's devpts, goes to
 * the parent (for the console socket or a foreground relay). */
static int send_terminal(const struct init_args *a, struct error **err)
{
    int master = terminal_setup(a->spec->process, true, err);
    if (master < 0)
        return -1;
    int rc = sync_send_fd(a->sync_fd, SYNC_PTY, 0, master);
    close(master);
    return rc < 0 ? error_set(err, errno, "process.terminal: send the terminal to the runtime") : 0;
}

static int setup_rootfs(const struct init_args *a, struct error **err)
{
    struct rootfs_opts o = {
        .rootfs = a->rootfs,
        .no_pivot = a->no_pivot,
        .new_userns = a->ns->wanted[NS_USER],
        .before_pivot = before_pivot,
        .ctx = (void *)a,
    };
    int rc = rootfs_setup(a->spec, &o, err);
    bind_sources_close();
    if (rc < 0)
        return error_prefix(err, "rootfs");
    if (a->spec->process->terminal && send_terminal(a, err) < 0)
        return -1;
    if (sysctl_apply(a->spec, err) < 0)
        return error_prefix(err, "sysctl");
    if (process_make_cwd(a->spec->process, err) < 0)
        return -1;
    if (rootfs_finish(a->spec, err) < 0)
        return error_prefix(err, "rootfs");
    return 0;
}

/* Report ready and wait for the parent's go-ahead, sent once it has
 * recorded the container: an init whose parent died before (EOF) exits
 * instead of running the user process with nobody watching. From then on
 * the init outlives the parent. */
static void wait_recorded(const struct init_args *a)
{
    parent_watch_arm(a->parent_pid, a->sync_fd);
    struct sync_msg m;
    CLEANUP_ERROR struct error *ignored = NULL;
    if (sync_send(a->sync_fd, SYNC_READY, NULL) < 0 || sync_recv(a->sync_fd, &m, &ignored) < 0 ||
        m.type != SYNC_RECORDED || parent_watch_disarm() < 0)
        _exit(1);
}

/* create: tell the parent it may go, then block until `start` writes a
 * byte into the exec fifo (poll: the fifo was opened non-blocking, with no
 * writer yet). With a notify fifo, start answers the hand-over there too:
 * the fifo stays open, blocking. */
static void wait_start(const struct init_args *a)
{
    if (sync_send(a->sync_fd, SYNC_DETACHED, NULL) < 0)
        _exit(1);
    struct pollfd pfd = { .fd = a->start_fd, .events = POLLIN };
    while (poll(&pfd, 1, -1) < 0)
        if (errno != EINTR)
            _exit(1);
    char c;
    if (read(a->start_fd, &c, 1) != 1)
        _exit(1);
    if (a->notify_fifo_fd < 0)
        close(a->start_fd);
    else if (fcntl(a->start_fd, F_SETFL, 0) < 0)
        _exit(1);
}

/* Before anything is resolved: only the preserved fds and the init's own
 * channels (sync socket, exec fifo, notify fifo, namespace fds to join,
 * the seccomp listener) stay open; no directory of the host (cgroup, state, bundle,
 * the caller's) remains for /proc/self/fd/N to reach. */
static int close_host_fds(const struct init_args *a, struct error **err)
{
    int keep[5 + NS_KINDS];
    size_t n = security_plan_fds(a->sec, keep);
    keep[n++] = a->sync_fd;
    keep[n++] = a->start_fd;
    keep[n++] = a->notify_fifo_fd;
    for (int k = 0; k < NS_KINDS; k++)
        keep[n++] = a->ns->join_fd[k];
    return process_close_host_fds(a->preserve_fds, keep, n, err);
}

/* The seccomp notify fd goes to the parent over the sync socket (run), or
 * to start through the notify fifo (create: the parent is gone). */
static int finish_security(const struct init_args *a, struct error **err)
{
    int sync_fd = a->sync_fd;
    struct notify_fifo_ends ends = { .fifo_fd = a->notify_fifo_fd, .ack_fd = a->start_fd };
    struct notify_handover h = { notify_handover_sync, &sync_fd };
    if (a->notify_fifo_fd >= 0)
        h = (struct notify_handover){ notify_handover_fifo, &ends };
    int rc = security_finish(a->sec, a->state_json, &h, err);
    if (a->notify_fifo_fd >= 0) {
        close(a->notify_fifo_fd);
        close(a->start_fd);
    }
    return rc < 0 ? error_prefix(err, "security") : 0;
}

void init_main(const struct init_args *a)
{
    CLEANUP_ERROR struct error *err = NULL;
    struct exec_plan x = { 0 };
    /* Until exec nobody in the container's namespaces may ptrace us or open
     * our /proc/PID/fd (host fds, the exec fifo): execve resets this. An
     * ordinary user's parent can write our uid_map only while we are
     * dumpable (/proc/PID is root's otherwise): then after the go-ahead, as
     * runc does; nothing runs in our namespaces before it. */
    bool defer = a->maps_by_user && !a->ns_entered;
    if (!defer && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        error_set(&err, errno, "prctl(PR_SET_DUMPABLE, 0)");
        fail(a, err);
    }
    /* Until the container is recorded, die with the parent; armed again
     * after every change of credentials (each one clears it). */
    parent_watch_arm(a->parent_pid, a->sync_fd);
    if (close_host_fds(a, &err) < 0)
        fail(a, err);
    if (a->join_cgroup_v1 && cgroup_join_self_v1(a->cgroup, &err) < 0)
        fail(a, err);
    if (wait_go(a, &err) < 0 || (defer && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 &&
                                 error_set(&err, errno, "prctl(PR_SET_DUMPABLE, 0)") < 0) ||
        become_root_in_userns(a, &err) < 0 ||
        (!a->ns_entered && ns_enter_early(a->ns, &err) < 0) || ns_enter_cgroup(a->ns, &err) < 0)
        fail(a, err);
    parent_watch_arm(a->parent_pid, a->sync_fd);
    if ((a->keyring_id && keyring_new_session(a->keyring_id, a->ns->wanted[NS_USER], &err) < 0) ||
        process_set_hostname(a->spec, &err) < 0 || setup_rootfs(a, &err) < 0 ||
        process_become_user(a->spec->process, a->sec, &err) < 0 || process_prepare_exec(a->spec->process, &x, &err) < 0)
        fail(a, err);
    wait_recorded(a);
    if (a->start_fd >= 0)
        wait_start(a);
    if (run_hooks(a, HOOK_START_CONTAINER, "created", &err) < 0)
        fail(a, err);
    if (process_close_fds(a->preserve_fds, &err) < 0)
        fail(a, err);
    if (finish_security(a, &err) < 0)
        fail(a, err);
    process_exec(a->spec->process, &x, &err);
    fail(a, err);
}
