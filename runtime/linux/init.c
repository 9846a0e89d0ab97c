/* The container's init, from clone to exec. Every failure is sent to the
 * parent (which reports it and cleans up) as one message naming the step. */
#include "runtime/linux/init.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/linux/process.h"
#include "runtime/linux/rootfs.h"
#include "runtime/linux/sync.h"

__attribute__((noreturn)) static void fail(const struct init_args *a, struct error *e)
{
    if (sync_send(a->sync_fd, SYNC_ERROR, e) < 0) /* nobody listens any more (after create) */
        dprintf(STDERR_FILENO, "runtime: container init: %s\n", e->msg);
    _exit(1);
}

static int wait_go(const struct init_args *a, struct error **err)
{
    struct sync_msg m;
    if (sync_recv(a->sync_fd, &m, err) < 0)
        return -1;
    if (m.type != SYNC_GO)
        _exit(1); /* the parent gave up; it cleans up */
    return 0;
}

static int become_root_in_userns(const struct init_args *a, struct error **err)
{
    if (!a->ns->wanted[NS_USER])
        return 0;
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return error_set(err, errno, "become root in the user namespace (is 0 mapped?)");
    return 0;
}

static int setup_rootfs(const struct init_args *a, struct error **err)
{
    struct rootfs_opts o = {
        .rootfs = a->rootfs,
        .no_pivot = a->no_pivot,
        .new_userns = a->ns->wanted[NS_USER],
    };
    if (rootfs_setup(a->spec, &o, err) < 0)
        return error_prefix(err, "rootfs");
    if (sysctl_apply(a->spec, err) < 0)
        return error_prefix(err, "sysctl");
    if (rootfs_finish(a->spec, err) < 0)
        return error_prefix(err, "rootfs");
    return 0;
}

static int become_user(const struct init_args *a, struct error **err)
{
    const struct spec_process *p = a->spec->process;
    if (process_set_rlimits(p, err) < 0)
        return -1;
    if (security_drop_bounding(a->sec, err) < 0)
        return error_prefix(err, "capabilities");
    if (process_switch_user(&p->user, err) < 0)
        return -1;
    if (security_apply_caps(a->sec, err) < 0)
        return error_prefix(err, "capabilities");
    return process_chdir_umask(p, err);
}

/* create: report ready, then block until `start` writes a byte into the
 * exec fifo (poll: the fifo was opened non-blocking, with no writer yet). */
static void wait_start(const struct init_args *a)
{
    if (sync_send(a->sync_fd, SYNC_READY, NULL) < 0)
        _exit(1);
    struct pollfd pfd = { .fd = a->start_fd, .events = POLLIN };
    while (poll(&pfd, 1, -1) < 0)
        if (errno != EINTR)
            _exit(1);
    char c;
    if (read(a->start_fd, &c, 1) != 1)
        _exit(1);
    close(a->start_fd);
}

void init_main(const struct init_args *a)
{
    CLEANUP_ERROR struct error *err = NULL;
    struct exec_plan x = { 0 };
    if (wait_go(a, &err) < 0 || become_root_in_userns(a, &err) < 0 ||
        (!a->ns_entered && ns_enter_early(a->ns, &err) < 0) || ns_enter_cgroup(a->ns, &err) < 0 ||
        process_set_hostname(a->spec, &err) < 0 || setup_rootfs(a, &err) < 0 ||
        become_user(a, &err) < 0 || process_prepare_exec(a->spec->process, &x, &err) < 0)
        fail(a, err);
    if (a->start_fd >= 0)
        wait_start(a);
    if (process_close_fds(a->preserve_fds, &err) < 0)
        fail(a, err);
    if (security_finish(a->sec, a->state_json, &err) < 0) {
        error_prefix(&err, "security");
        fail(a, err);
    }
    process_exec(a->spec->process, &x, &err);
    fail(a, err);
}
