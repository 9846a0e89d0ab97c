/* exec's parent side: load the container, build and check the process,
 * clone the child into the container's pid namespace and cgroup, wait for
 * its exec, then detach or wait for it. */
#include "runtime/exec/exec.h"

#include <errno.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>
#include <linux/sched.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "runtime/container.h"
#include "runtime/linux/cgroup_join.h"
#include "runtime/linux/exec_child.h"
#include "runtime/linux/notify_handover.h"
#include "runtime/linux/process.h"
#include "runtime/linux/sync.h"
#include "runtime/signals.h"
#include "runtime/terminal/terminal.h"

/* What exec works with once everything is checked. */
struct exec_job {
    struct container_state *st;
    struct spec *spec; /* config.json, its process replaced by exec's */
    struct security_plan *sec;
    struct ns_attach ns;
    char *state_json;
};

static void job_release(struct exec_job *j)
{
    container_state_free(j->st);
    spec_free(j->spec);
    security_plan_free(j->sec);
    ns_attach_close(&j->ns);
    free(j->state_json);
}

static int check_status(const char *root, const struct exec_request *r, const struct container_state *st,
                        struct error **err)
{
    enum container_status status = state_status(root, st);
    const char *name = container_status_name(status);
    if (status == STATUS_STOPPED || status == STATUS_CREATING)
        return error_setc(err, EXIT_STATE, 0, "cannot exec in container %s: it is %s", r->id, name);
    if (status == STATUS_PAUSED && !r->ignore_paused)
        return error_setc(err, EXIT_STATE, 0,
                          "cannot exec in container %s: it is paused (use --ignore-paused to override)", r->id);
    return 0;
}

static char *public_state(const struct container_state *st)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    state_emit_public(g, st, STATUS_RUNNING, "");
    size_t len;
    const char *text = jg_text(g, &len);
    return xasprintf("%.*s", (int)len, text);
}

static int build_process(const struct exec_request *r, struct exec_job *j, struct error **err)
{
    CLEANUP_FREE char *config = path_join(j->st->bundle, "config.json");
    if (spec_parse_file(config, &j->spec, err) < 0)
        return error_prefix(err, "container %s", r->id);
    struct spec_process *p = NULL;
    if (exec_process_build(&r->process, j->spec, &p, err) < 0)
        return -1;
    spec_process_free(j->spec->process);
    j->spec->process = p;
    const char *what = r->process.process_file ? r->process.process_file : "exec";
    if (terminal_check(p->terminal, r->console_socket, r->detach, err) < 0)
        return -1;
    terminal_size_from_caller(p, r->console_socket, r->detach);
    if (process_validate(p, err) < 0 || security_validate(j->spec, err) < 0 ||
        security_prepare(j->spec, &j->sec, err) < 0)
        return error_prefix(err, "%s", what);
    return 0;
}

static int load_job(const char *root, const struct exec_request *r, struct exec_job *j, struct error **err)
{
    for (int k = 0; k < NS_KINDS; k++)
        j->ns.fd[k] = -1;
    if (state_read(root, r->id, &j->st, err) < 0 || check_status(root, r, j->st, err) < 0 ||
        build_process(r, j, err) < 0)
        return -1;
    if (ns_attach_open(&j->ns, j->st->ns_paths, err) < 0)
        return error_prefix(err, "container %s", r->id);
    /* The namespaces opened are the init's, unless its pid was reused. */
    if (proc_start_time(j->st->pid) != j->st->pid_start_time)
        return error_setc(err, EXIT_STATE, 0, "cannot exec in container %s: it is stopped", r->id);
    j->state_json = public_state(j->st);
    return 0;
}

static pid_t spawn(const struct exec_request *r, struct exec_job *j, int child_sock, int *pidfd,
                   bool *into_cgroup, struct error **err)
{
    CLEANUP_CLOSE int cgfd = j->st->cgroup ? cgroup_join_v2_fd(j->st->cgroup) : -1;
    struct clone_args ca = {
        .flags = CLONE_PIDFD | (cgfd >= 0 ? CLONE_INTO_CGROUP : 0),
        .pidfd = (uint64_t)(uintptr_t)pidfd,
        .exit_signal = SIGCHLD,
        .cgroup = cgfd >= 0 ? (uint64_t)cgfd : 0,
    };
    if (ns_attach_user_early(&j->ns, err) < 0 || ns_attach_pid_for_children(&j->ns, err) < 0)
        return -1;
    pid_t pid = syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid < 0 && cgfd >= 0) {
        ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
        ca.cgroup = 0;
        pid = syscall(SYS_clone3, &ca, sizeof(ca));
        cgfd = -1;
    }
    int saved = errno;
    if (pid == 0) {
        struct exec_child_args a = {
            .process = j->spec->process,
            .sec = j->sec,
            .ns = &j->ns,
            .cgroup = j->st->cgroup,
            .join_cgroup_v1 = j->st->cgroup && cgroup_detect_mode() != CGROUP_MODE_V2,
            .state_json = j->state_json,
            .sync_fd = child_sock,
            .preserve_fds = r->preserve_fds,
            .keyring_id = r->id,
        };
        exec_child_main(&a);
    }
    ns_attach_reset_pid(&j->ns);
    *into_cgroup = cgfd >= 0;
    if (pid < 0)
        return error_set(err, saved, "clone the exec process");
    return pid;
}

/* The terminal's master: to the console socket, or kept to relay. */
static int take_pty(const struct exec_request *r, int master, int *pty, struct error **err)
{
    if (r->console_socket == NULL) {
        *pty = master;
        return 0;
    }
    int rc = terminal_send_master(r->console_socket, master, err);
    close(master);
    return rc;
}

/* The child as the parent sees it. */
struct child {
    pid_t pid;
    int pidfd;
    int sync_fd;
    bool into_cgroup;
    struct notify_relay *notify; /* with a seccomp notify rule */
};

/* Let the child go once it sits in the cgroup; wait for its exec (EOF),
 * passing on its terminal and its seccomp notify fd on the way. */
static int release_child(const struct exec_request *r, struct exec_job *j, const struct child *c, int *pty,
                         struct error **err)
{
    int sync_fd = c->sync_fd;
    if (!c->into_cgroup && j->st->cgroup && cgroup_detect_mode() != CGROUP_MODE_V1 &&
        cgroup_enter(j->st->cgroup, c->pid, err) < 0)
        return error_prefix(err, "cgroup");
    if (sync_send(sync_fd, SYNC_GO, NULL) < 0)
        return error_set(err, errno, "signal the exec process");
    for (;;) {
        struct sync_msg m;
        if (sync_recv(sync_fd, &m, err) < 0)
            return -1;
        if (m.type == SYNC_PTY && m.fd >= 0) {
            if (take_pty(r, m.fd, pty, err) < 0)
                return -1;
            continue;
        }
        if (m.type == SYNC_SECCOMP) {
            if (notify_answer_sync(sync_fd, c->notify, c->pidfd, m.value, err) < 0)
                return error_prefix(err, "seccomp");
            continue;
        }
        if (m.fd >= 0)
            close(m.fd);
        return m.type == SYNC_ERROR ? sync_error(&m, err) : 0;
    }
}

static int start(const struct exec_request *r, struct exec_job *j, pid_t *pid, int *pty, struct error **err)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return error_set(err, errno, "socketpair");
    CLEANUP_CLOSE int sync_fd = sv[0];
    CLEANUP_CLOSE int child_sock = sv[1];
    CLEANUP_CLOSE int pidfd = -1;
    struct child c = { .sync_fd = sync_fd };
    *pid = spawn(r, j, child_sock, &pidfd, &c.into_cgroup, err);
    if (*pid < 0)
        return -1;
    close(TAKE_FD(child_sock));
    c.pid = *pid;
    c.pidfd = pidfd;
    int rc = notify_relay_new(j->sec, j->state_json, c.pid, &c.notify, err);
    if (rc == 0)
        rc = release_child(r, j, &c, pty, err);
    notify_relay_free(c.notify);
    if (rc < 0 || write_pid_file(r->pid_file, *pid, err) < 0) {
        kill(*pid, SIGKILL);
        while (waitpid(*pid, NULL, 0) < 0 && errno == EINTR)
            ;
        return -1;
    }
    return 0;
}

int container_exec(const char *root, const struct exec_request *r, struct error **err)
{
    struct exec_job j = { 0 };
    sigset_t old;
    if (load_job(root, r, &j, err) < 0) {
        job_release(&j);
        return -1;
    }
    if (!r->detach)
        signals_block_all(&old);
    pid_t pid = -1;
    CLEANUP_CLOSE int pty = -1;
    int rc = start(r, &j, &pid, &pty, err);
    job_release(&j);
    if (rc < 0 || r->detach)
        return rc;
    return pty >= 0 ? terminal_relay_until_exit(pid, pty) : signals_forward_until_exit(pid);
}
