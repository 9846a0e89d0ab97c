/* The lifecycle after create: start, kill, delete, and the status as the
 * live process tells it. */
#include "runtime/container.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "runtime/hooks.h"
#include "runtime/linux/notify_handover.h"
#include "runtime/linux/sync.h"
#include "runtime/terminal/terminal.h"

int container_load(const char *root, const char *id, struct container_state **st,
                   enum container_status *status, struct error **err)
{
    if (state_read(root, id, st, err) < 0)
        return -1;
    *status = state_status(root, *st);
    return 0;
}

int container_open_locked(const char *root, const char *id, struct container_state **st,
                       enum container_status *status, struct error **err)
{
    int fd = state_dir_open(root, id, err);
    if (fd < 0)
        return -1;
    if (container_load(root, id, st, status, err) < 0) {
        close(fd);
        return -1;
    }
    return fd;
}

/* config.json of the bundle, for its hooks; NULL (and a warning) when it
 * cannot be read any more. */
static struct spec *bundle_spec(const char *bundle)
{
    CLEANUP_FREE char *path = xasprintf("%s/config.json", bundle);
    CLEANUP_ERROR struct error *err = NULL;
    struct spec *s = NULL;
    if (spec_parse_file(path, &s, &err) < 0) {
        log_warn("hooks: %s", err->msg);
        return NULL;
    }
    return s;
}

static int signal_init(const struct container_state *st, int sig, struct error **err);

/* After start: the poststart hooks; a failure kills the container. */
static int poststart(const struct container_state *st, struct error **err)
{
    CLEANUP_SPEC struct spec *s = bundle_spec(st->bundle);
    if (!hooks_any(s, HOOK_POSTSTART))
        return 0;
    CLEANUP_FREE char *json = hooks_state_json(s, st->id, st->bundle, st->pid, "running");
    if (hooks_run(s, HOOK_POSTSTART, json, err) == 0)
        return 0;
    CLEANUP_ERROR struct error *ignored = NULL;
    signal_init(st, SIGKILL, &ignored);
    return -1;
}

static void poststop(const struct container_state *st)
{
    CLEANUP_SPEC struct spec *s = bundle_spec(st->bundle);
    if (!hooks_any(s, HOOK_POSTSTOP))
        return;
    CLEANUP_FREE char *json = hooks_state_json(s, st->id, st->bundle, st->pid, "stopped");
    hooks_run_warn(s, HOOK_POSTSTOP, json);
}

/* A pidfd of the init, unless its pid now names another process. */
static int init_pidfd(const struct container_state *st)
{
    int pidfd = syscall(SYS_pidfd_open, st->pid, 0);
    if (pidfd >= 0 && proc_start_time(st->pid) != st->pid_start_time) {
        close(pidfd);
        return -1;
    }
    return pidfd;
}

/* Started, the init loads its seccomp filter and writes the notify fd's
 * number into the notify fifo: take the fd to the listener, then let the
 * init exec (notify_handover.h). */
static int relay_notify(const char *root, const struct container_state *st, int fifo_fd, int ack_fd,
                        struct error **err)
{
    CLEANUP_FREE char *path = xasprintf("%s/%s/" STATE_NOTIFY_FIFO, root, st->id);
    unlink(path);
    CLEANUP_CLOSE int pidfd = init_pidfd(st);
    if (pidfd < 0)
        return error_setc(err, EXIT_STATE, 0, "container %s is not running", st->id);
    log_debug("%s: passing the init's seccomp notify fd to the listener", st->id);
    if (notify_fifo_relay(fifo_fd, ack_fd, pidfd, err) < 0)
        return error_prefix(err, "start container %s: seccomp", st->id);
    return 0;
}

int container_start(const char *root, const char *id, struct error **err)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_CLOSE int dirfd = container_open_locked(root, id, &st, &status, err);
    if (dirfd < 0)
        return -1;
    if (status != STATUS_CREATED)
        return error_setc(err, EXIT_STATE, 0, "cannot start container %s: it is %s, not created",
                          id, container_status_name(status));
    log_debug("%s: created, pid %d: opening the exec fifo", id, (int)st->pid);
    CLEANUP_FREE char *fifo = xasprintf("%s/%s/" STATE_EXEC_FIFO, root, id);
    CLEANUP_CLOSE int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error_setc(err, EXIT_STATE, errno == ENXIO ? 0 : errno,
                          "cannot start container %s: %s", id,
                          errno == ENXIO ? "its init has exited" : "open exec fifo");
    CLEANUP_CLOSE int notify_fd = -1;
    if (notify_fifo_open(root, id, &notify_fd, err) < 0)
        return error_prefix(err, "start container %s", id);
    if (write(fd, "0", 1) != 1)
        return error_set(err, errno, "start container %s: write %s", id, fifo);
    unlink(fifo);
    log_debug("%s: init told to exec its process", id);
    if (notify_fd >= 0 && relay_notify(root, st, notify_fd, fd, err) < 0)
        return -1;
    return poststart(st, err);
}

/* Signal the init through a pidfd, after checking it is still the same
 * process (pid reuse). */
static int signal_init(const struct container_state *st, int sig, struct error **err)
{
    CLEANUP_CLOSE int pidfd = init_pidfd(st);
    if (pidfd < 0)
        return error_setc(err, EXIT_STATE, 0, "container %s is not running", st->id);
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
        return error_set(err, errno, "signal %d to container %s (pid %d)", sig, st->id, (int)st->pid);
    return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct error **err)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_CLOSE int dirfd = container_open_locked(root, id, &st, &status, err);
    if (dirfd < 0)
        return -1;
    if (all) {
        if (st->cgroup == NULL)
            return error_setc(err, EXIT_STATE, 0, "container %s has no cgroup", id);
        return cgroup_signal_all(st->cgroup, sig, err);
    }
    if (status == STATUS_STOPPED)
        return error_setc(err, EXIT_STATE, 0, "container %s is not running", id);
    if (signal_init(st, sig, err) < 0)
        return -1;
    /* A frozen task cannot die: as runc, SIGKILL thaws a paused container. */
    if (status == STATUS_PAUSED && sig == SIGKILL)
        return cgroup_freeze(st->cgroup, false, err);
    return 0;
}

/* Wait (up to timeout_ms) for a process that is not our child to exit. */
static int wait_exit(const struct container_state *st, int timeout_ms, struct error **err)
{
    CLEANUP_CLOSE int pidfd = syscall(SYS_pidfd_open, st->pid, 0);
    if (pidfd < 0 || proc_start_time(st->pid) != st->pid_start_time)
        return 0;
    struct pollfd pfd = { .fd = pidfd, .events = POLLIN };
    int n;
    while ((n = poll(&pfd, 1, timeout_ms)) < 0 && errno == EINTR)
        ;
    if (n == 0)
        return error_setc(err, EXIT_STATE, 0, "container %s: init (pid %d) did not exit", st->id,
                          (int)st->pid);
    return 0;
}

static int kill_and_wait(const struct container_state *st, struct error **err)
{
    if (st->cgroup)
        cgroup_signal_all(st->cgroup, SIGKILL, NULL);
    CLEANUP_ERROR struct error *ignored = NULL;
    signal_init(st, SIGKILL, &ignored);
    return wait_exit(st, 10000, err);
}

static int destroy(const char *root, const struct container_state *st, struct error **err)
{
    /* Without a pid namespace of its own, processes may outlive the init. */
    if (st->cgroup)
        cgroup_signal_all(st->cgroup, SIGKILL, NULL);
    if (st->cgroup && cgroup_destroy(st->cgroup, err) < 0)
        return error_prefix(err, "delete %s", st->id);
    return state_dir_remove(root, st->id, err);
}

int container_delete(const char *root, const char *id, bool force, struct error **err)
{
    CLEANUP_ERROR struct error *e = NULL;
    CLEANUP_CLOSE int dirfd = state_dir_open(root, id, &e);
    if (dirfd < 0)
        return force && e->exit_class == EXIT_NOTFOUND ? 0 : error_move(err, &e);
    CLEANUP_STATE struct container_state *st = NULL;
    if (state_read(root, id, &st, &e) < 0) {
        /* No state.json: a create that died before writing it (one in
         * progress holds the lock we hold now): nothing runs. An unreadable
         * one goes with --force only; the cgroup it named cannot be known. */
        if (e->exit_class != EXIT_NOTFOUND && !force)
            return error_move(err, &e);
        if (e->exit_class != EXIT_NOTFOUND)
            log_warn("delete %s: removing its state directory: %s", id, e->msg);
        return state_dir_remove(root, id, err);
    }
    enum container_status status = state_status(root, st);
    if ((status == STATUS_RUNNING || status == STATUS_PAUSED) && !force)
        return error_setc(err, EXIT_STATE, 0, "cannot delete container %s: it is %s (stop it or use --force)", id,
                          container_status_name(status));
    if (status != STATUS_STOPPED && kill_and_wait(st, err) < 0)
        return -1;
    if (destroy(root, st, err) < 0)
        return -1;
    poststop(st);
    return 0;
}

/* The pty master from the init: to the console socket, or kept to relay. */
static int take_pty(struct launch *l, int master, struct error **err)
{
    if (master < 0)
        return error_setc(err, EXIT_FAIL, 0, "process.terminal: the init sent no terminal");
    if (l->console_socket == NULL) {
        l->pty_master = master;
        return 0;
    }
    int rc = terminal_send_master(l->console_socket, master, err);
    close(master);
    return rc;
}

/* The init made its mounts: prestart and createRuntime, here, then GO. */
static int create_hooks(struct launch *l, struct error **err)
{
    CLEANUP_FREE char *json = hooks_state_json(l->spec, l->id, l->bundle, l->pid, "creating");
    if (hooks_run(l->spec, HOOK_PRESTART, json, err) < 0 || hooks_run(l->spec, HOOK_CREATE_RUNTIME, json, err) < 0)
        return -1;
    if (sync_send(l->sync_fd, SYNC_GO, NULL) < 0)
        return error_set(err, errno, "signal the container's init");
    return 0;
}

/* The init closed the sync socket without a word: reap it and say how it
 * ended (a memory limit too small for the set-up shows as SIGKILL). */
static int init_died(struct launch *l, struct error **err)
{
    int ws = 0;
    pid_t r;
    while ((r = waitpid(l->pid, &ws, 0)) < 0 && errno == EINTR)
        ;
    if (r == l->pid)
        l->pid = 0;
    if (r > 0 && WIFSIGNALED(ws))
        return error_setc(err, EXIT_FAIL, 0, "the container's init was killed by signal %d (%s) during set-up",
                          WTERMSIG(ws), strsignal(WTERMSIG(ws)));
    return error_setc(err, EXIT_FAIL, 0, "the container's init exited during set-up");
}

int launch_wait(struct launch *l, int until, struct error **err)
{
    for (;;) {
        struct sync_msg m;
        if (sync_recv(l->sync_fd, &m, err) < 0)
            return -1;
        if (m.type == SYNC_HOOKS) {
            if (create_hooks(l, err) < 0)
                return -1;
            continue;
        }
        if (m.type == SYNC_PTY) {
            if (take_pty(l, m.fd, err) < 0)
                return -1;
            continue;
        }
        if (m.type == SYNC_SECCOMP) {
            if (notify_answer_sync(l->sync_fd, l->notify, l->pidfd, m.value, err) < 0)
                return error_prefix(err, "seccomp");
            continue;
        }
        if (m.fd >= 0)
            close(m.fd);
        if (m.type == until)
            return 0;
        if (m.type == SYNC_ERROR)
            return sync_error(&m, err);
        return init_died(l, err);
    }
}

int container_run_wait_exec(struct launch *l, struct error **err)
{
    return launch_wait(l, SYNC_EOF, err); /* EOF: the exec closed the init's end */
}

void container_run_cleanup(struct launch *l)
{
    CLEANUP_ERROR struct error *err = NULL;
    if (l->cgroup && !l->own_pidns)
        cgroup_signal_all(l->cgroup, SIGKILL, NULL);
    if (l->cgroup && cgroup_destroy(l->cgroup, &err) < 0) {
        log_warn("%s", err->msg);
        error_cleanup(&err);
    }
    if (l->root && l->id && state_dir_remove(l->root, l->id, &err) < 0)
        log_warn("%s", err->msg);
    if (hooks_any(l->spec, HOOK_POSTSTOP)) {
        CLEANUP_FREE char *json = hooks_state_json(l->spec, l->id, l->bundle, l->pid, "stopped");
        hooks_run_warn(l->spec, HOOK_POSTSTOP, json);
    }
}

int launch_poststart(struct launch *l, struct error **err)
{
    if (!hooks_any(l->spec, HOOK_POSTSTART))
        return 0;
    CLEANUP_FREE char *json = hooks_state_json(l->spec, l->id, l->bundle, l->pid, "running");
    return hooks_run(l->spec, HOOK_POSTSTART, json, err);
}

void launch_release(struct launch *l)
{
    if (l->pidfd >= 0)
        close(l->pidfd);
    if (l->sync_fd >= 0)
        close(l->sync_fd);
    cgroup_free(l->cgroup);
    notify_relay_free(l->notify);
    spec_free(l->spec);
    free(l->bundle);
    free(l->root);
    free(l->id);
    if (l->pty_master >= 0)
        close(l->pty_master);
    *l = (struct launch){ .pidfd = -1, .sync_fd = -1, .pty_master = -1 };
}
