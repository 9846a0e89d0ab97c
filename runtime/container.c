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
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "runtime/linux/sync.h"

int container_load(const char *root, const char *id, struct container_state **st,
                   enum container_status *status, struct error **err)
{
    if (state_read(root, id, st, err) < 0)
        return -1;
    *status = state_status(root, *st);
    return 0;
}

/* Lock the directory and load; the caller closes the returned fd. */
static int open_locked(const char *root, const char *id, struct container_state **st,
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

int container_start(const char *root, const char *id, struct error **err)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_CLOSE int dirfd = open_locked(root, id, &st, &status, err);
    if (dirfd < 0)
        return -1;
    if (status != STATUS_CREATED)
        return error_setc(err, EXIT_STATE, 0, "cannot start container %s: it is %s, not created",
                          id, container_status_name(status));
    CLEANUP_FREE char *fifo = xasprintf("%s/%s/" STATE_EXEC_FIFO, root, id);
    CLEANUP_CLOSE int fd = open(fifo, O_WRONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error_setc(err, EXIT_STATE, errno == ENXIO ? 0 : errno,
                          "cannot start container %s: %s", id,
                          errno == ENXIO ? "its init has exited" : "open exec fifo");
    if (write(fd, "0", 1) != 1)
        return error_set(err, errno, "start container %s: write %s", id, fifo);
    unlink(fifo);
    return 0;
}

/* Signal the init through a pidfd, after checking it is still the same
 * process (pid reuse). */
static int signal_init(const struct container_state *st, int sig, struct error **err)
{
    CLEANUP_CLOSE int pidfd = syscall(SYS_pidfd_open, st->pid, 0);
    if (pidfd < 0 || proc_start_time(st->pid) != st->pid_start_time)
        return error_setc(err, EXIT_STATE, 0, "container %s is not running", st->id);
    if (syscall(SYS_pidfd_send_signal, pidfd, sig, NULL, 0) < 0)
        return error_set(err, errno, "signal %d to container %s (pid %d)", sig, st->id, (int)st->pid);
    return 0;
}

int container_kill(const char *root, const char *id, int sig, bool all, struct error **err)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_CLOSE int dirfd = open_locked(root, id, &st, &status, err);
    if (dirfd < 0)
        return -1;
    if (all) {
        if (st->cgroup == NULL)
            return error_setc(err, EXIT_STATE, 0, "container %s has no cgroup", id);
        return cgroup_signal_all(st->cgroup, sig, err);
    }
    if (status == STATUS_STOPPED)
        return error_setc(err, EXIT_STATE, 0, "container %s is not running", id);
    return signal_init(st, sig, err);
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
    CLEANUP_CLOSE int dirfd = state_dir_open(root, id, err);
    if (dirfd < 0) {
        if (force && *err && (*err)->exit_class == EXIT_NOTFOUND) {
            error_cleanup(err);
            return 0;
        }
        return -1;
    }
    CLEANUP_STATE struct container_state *st = NULL;
    if (state_read(root, id, &st, err) < 0) {
        if ((*err)->exit_class != EXIT_NOTFOUND)
            return -1;
        /* A create that died before writing its state: nothing runs. */
        error_cleanup(err);
        return state_dir_remove(root, id, err);
    }
    enum container_status status = state_status(root, st);
    if (status == STATUS_RUNNING && !force)
        return error_setc(err, EXIT_STATE, 0,
                          "cannot delete container %s: it is running (stop it or use --force)", id);
    if (status != STATUS_STOPPED && kill_and_wait(st, err) < 0)
        return -1;
    return destroy(root, st, err);
}

int container_run_wait_exec(struct launch *l, struct error **err)
{
    struct sync_msg m;
    if (sync_recv(l->sync_fd, &m, err) < 0)
        return -1;
    if (m.type == SYNC_ERROR)
        return sync_error(&m, err);
    return 0; /* EOF: the exec closed the init's end */
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
}

void launch_release(struct launch *l)
{
    if (l->pidfd >= 0)
        close(l->pidfd);
    if (l->sync_fd >= 0)
        close(l->sync_fd);
    cgroup_free(l->cgroup);
    free(l->root);
    free(l->id);
    *l = (struct launch){ .pidfd = -1, .sync_fd = -1 };
}
