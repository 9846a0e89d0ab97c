/* create: validate config.json completely, then make the state directory,
 * clone the init into its namespaces, write its id maps, put it in its
 * cgroup and let it set itself up. On any failure nothing is left behind. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/sched.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "runtime/rootless.h"
#include "runtime/container.h"
#include "runtime/linux/bind_sources.h"
#include "runtime/linux/cgroup_join.h"
#include "runtime/linux/device_stage.h"
#include "runtime/linux/devices.h"
#include "runtime/linux/init.h"
#include "runtime/linux/notify_handover.h"
#include "runtime/linux/rootfs.h"
#include "runtime/linux/process.h"
#include "runtime/linux/sync.h"
#include "runtime/linux/sysctl.h"
#include "runtime/linux/userns.h"
#include "runtime/security/security.h"
#include "runtime/terminal/terminal.h"

/* What create works with once the configuration is known to be good. */
struct plan {
    const struct create_opts *o;
    const char *root;
    struct spec *spec;
    char *bundle, *rootfs;
    struct ns_plan ns;
    struct security_plan *sec;
    int dirfd; /* the locked state directory */
    int notify_fifo_fd; /* create with a seccomp notify rule: for the init, else -1 */
};

static void plan_release(struct plan *p)
{
    spec_free(p->spec);
    free(p->bundle);
    free(p->rootfs);
    ns_plan_release(&p->ns);
    security_plan_free(p->sec);
}

static int validate_namespaces(const struct spec *s, const struct ns_plan *ns, struct error **err)
{
    if (!ns->wanted[NS_MNT])
        log_warn("linux.namespaces: no mount namespace: the container shares the host's mount table; "
                 "its mounts, devices, masked and read-only paths are not applied, the rootfs is only chroot'ed into");
    if ((s->hostname && *s->hostname) && !ns->wanted[NS_UTS])
        return error_setc(err, EXIT_INVALID, 0, "hostname: needs a uts namespace");
    if ((s->domainname && *s->domainname) && !ns->wanted[NS_UTS])
        return error_setc(err, EXIT_INVALID, 0, "domainname: needs a uts namespace");
    return userns_validate(s, ns_new(ns, NS_USER), err);
}

static int resolve_rootfs(struct plan *p, struct error **err)
{
    const struct spec *s = p->spec;
    if (s->root == NULL || s->root->path == NULL || *s->root->path == '\0')
        return error_setc(err, EXIT_INVALID, 0, "root.path: missing");
    CLEANUP_FREE char *joined = s->root->path[0] == '/' ? xstrdup(s->root->path)
                                                         : path_join(p->bundle, s->root->path);
    p->rootfs = realpath(joined, NULL);
    struct stat st;
    if (p->rootfs == NULL || stat(p->rootfs, &st) < 0 || !S_ISDIR(st.st_mode))
        return error_setc(err, EXIT_INVALID, p->rootfs ? ENOTDIR : errno, "root.path: %s", joined);
    if (dir_is_empty(p->rootfs) == 1 && !spec_has_root_mount(s))
        return error_setc(err, EXIT_INVALID, 0,
                          "root.path %s: empty directory (an overlay bundle after imagetool umount? "
                          "imagetool mount BUNDLE mounts it again)", joined);
    return 0;
}

static int load_config(struct plan *p, struct error **err)
{
    const struct create_opts *o = p->o;
    p->bundle = realpath(o->bundle ? o->bundle : ".", NULL);
    if (p->bundle == NULL)
        return error_setc(err, EXIT_NOTFOUND, errno, "bundle %s", o->bundle ? o->bundle : ".");
    CLEANUP_FREE char *config = path_join(p->bundle, "config.json");
    if (spec_parse_file(config, &p->spec, err) < 0)
        return -1;
    struct spec *s = p->spec;
    if (o->listen_fds > 0 && s->process) {
        /* runc's socket activation: the fds keep their numbers, and the
         * container's pid 1 is who they are for. */
        CLEANUP_FREE char *n = xasprintf("LISTEN_FDS=%d", o->listen_fds);
        strv_append(&s->process->env, n);
        strv_append(&s->process->env, "LISTEN_PID=1");
    }
    if (s->oci_version == NULL || strncmp(s->oci_version, "1.", 2) != 0)
        return error_setc(err, EXIT_INVALID, 0, "%s: ociVersion: unsupported version '%s' (want 1.x)",
                          config, s->oci_version ? s->oci_version : "");
    if (s->process && terminal_check(s->process->terminal, o->console_socket, !o->run || o->detach, err) < 0)
        return -1;
    terminal_size_from_caller(s->process, o->console_socket, !o->run || o->detach);
    if (rootless_check_config(s, err) < 0)
        return -1;
    if (process_validate(s->process, err) < 0 || resolve_rootfs(p, err) < 0 ||
        ns_plan_build(s, &p->ns, err) < 0 || validate_namespaces(s, &p->ns, err) < 0 ||
        sysctl_validate(s, err) < 0 || rootfs_validate(s, err) < 0 || security_validate(s, err) < 0 || security_prepare(s, &p->sec, err) < 0)
        return error_prefix(err, "%s", config);
    return 0;
}

static char *now_rfc3339(void)
{
    struct timespec ts;
    struct tm tm;
    clock_gettime(CLOCK_REALTIME, &ts);
    gmtime_r(&ts.tv_sec, &tm);
    char buf[64];
    size_t n = strftime(buf, sizeof(buf), "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, sizeof(buf) - n, ".%09ldZ", ts.tv_nsec);
    return xstrdup(buf);
}

/* The state handed to a seccomp notify listener (no pid yet from inside). */
static char *initial_state_json(const struct plan *p)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_obj_open(g);
    jg_key_str(g, "ociVersion", p->spec->oci_version);
    jg_key_str(g, "id", p->o->id);
    jg_key_str(g, "status", "creating");
    jg_key_str(g, "bundle", p->bundle);
    jg_obj_close(g);
    size_t len;
    const char *text = jg_text(g, &len);
    return xasprintf("%.*s", (int)len, text);
}

/* The intermediate of a two-step start: enter the namespaces, clone the
 * init as our sibling, tell the parent its pid, exit. */
static int new_userns_with_maps(const struct init_args *a, struct error **err)
{
    if (unshare(CLONE_NEWUSER) < 0)
        return error_set(err, errno, "unshare user namespace");
    struct sync_msg m;
    if (sync_send_value(a->sync_fd, SYNC_MAPS, 0) < 0 || sync_recv(a->sync_fd, &m, err) < 0 ||
        m.type != SYNC_GO)
        _exit(1);
    if (setresgid(0, 0, 0) < 0 || setresuid(0, 0, 0) < 0)
        return error_set(err, errno, "become root in the user namespace (is 0 mapped?)");
    return 0;
}

static int enter_in_order(const struct init_args *a, struct error **err)
{
    const struct ns_plan *ns = a->ns;
    if (ns->join_fd[NS_USER] >= 0)
        return ns_join_user(ns, err) < 0 || ns_unshare_rest(ns, err) < 0 ? -1 : ns_enter_early(ns, err);
    if (ns_enter_early(ns, err) < 0 || new_userns_with_maps(a, err) < 0)
        return -1;
    return ns_unshare_rest(ns, err);
}

__attribute__((noreturn)) static void intermediate(struct init_args *a)
{
    CLEANUP_ERROR struct error *err = NULL;
    /* as the init: it holds host fds (after its maps when a user's parent writes them) */
    if (!a->maps_by_user && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0) {
        error_set(&err, errno, "prctl(PR_SET_DUMPABLE, 0)");
        sync_send(a->sync_fd, SYNC_ERROR, err);
        _exit(1);
    }
    if (enter_in_order(a, &err) < 0 ||
        (a->maps_by_user && prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) < 0 &&
         error_set(&err, errno, "prctl(PR_SET_DUMPABLE, 0)") < 0)) {
        sync_send(a->sync_fd, SYNC_ERROR, err);
        _exit(1);
    }
    /* exit_signal must be 0 with CLONE_PARENT: ours (SIGCHLD) is inherited. */
    struct clone_args ca = { .flags = CLONE_PARENT };
    pid_t pid = syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid == 0) {
        a->ns_entered = true;
        init_main(a);
    }
    if (pid < 0) {
        error_set(&err, errno, "clone the container's init");
        sync_send(a->sync_fd, SYNC_ERROR, err);
        _exit(1);
    }
    sync_send_value(a->sync_fd, SYNC_PID, pid);
    _exit(0);
}

/* The init joins its cgroup itself (v1) only outside user namespaces: in
 * one it has no right to the host's cgroup files. */
static bool init_joins_v1(const struct plan *p)
{
    return !p->ns.wanted[NS_USER];
}

static pid_t clone_init(const struct plan *p, const struct launch *l, int child_sock, int start_fd,
                        int *pidfd, bool *into_cgroup, struct error **err)
{
    CLEANUP_FREE char *state_json = initial_state_json(p);
    pid_t self = getpid();
    /* Asked before the clone: in the child, geteuid() says 0 as soon as the
     * parent has written its uid_map, a race the init must not see. */
    bool maps_by_user = p->ns.wanted[NS_USER] && geteuid() != 0;
    CLEANUP_CLOSE int cgfd = l->cgroup ? cgroup_join_v2_fd(l->cgroup) : -1;
    struct clone_args ca = {
        .flags = (uint64_t)p->ns.clone_flags | CLONE_PIDFD | (cgfd >= 0 ? CLONE_INTO_CGROUP : 0),
        .pidfd = (uint64_t)(uintptr_t)pidfd,
        .exit_signal = SIGCHLD,
        .cgroup = cgfd >= 0 ? (uint64_t)cgfd : 0,
    };
    pid_t pid = syscall(SYS_clone3, &ca, sizeof(ca));
    if (pid < 0 && cgfd >= 0) {
        ca.flags &= ~(uint64_t)CLONE_INTO_CGROUP;
        ca.cgroup = 0;
        pid = syscall(SYS_clone3, &ca, sizeof(ca));
        cgfd = -1;
    }
    *into_cgroup = cgfd >= 0;
    if (pid < 0 && maps_by_user && (errno == EPERM || errno == ENOSPC || errno == EACCES))
        return error_setc(err, EXIT_PERM, errno,
                          "user namespaces are not allowed for this user "
                          "(sysctl kernel.unprivileged_userns_clone or user.max_user_namespaces)");
    if (pid < 0)
        return error_set(err, errno, "clone the container's init");
    if (pid == 0) {
        close(l->sync_fd);
        close(p->dirfd); /* the flock must not outlive create in the init */
        struct init_args a = {
            .spec = p->spec,
            .ns = &p->ns,
            .sec = p->sec,
            .rootfs = p->rootfs,
            .state_json = state_json,
            .no_pivot = p->o->no_pivot,
            .sync_fd = child_sock,
            .parent_pid = self,
            .start_fd = start_fd,
            .notify_fifo_fd = p->notify_fifo_fd,
            .preserve_fds = p->o->listen_fds + p->o->preserve_fds,
            .keyring_id = p->o->no_new_keyring ? NULL : p->o->id,
            .id = p->o->id,
            .bundle = p->bundle,
            .cgroup = l->cgroup,
            .join_cgroup_v1 = l->cgroup && init_joins_v1(p),
            .maps_by_user = maps_by_user,
        };
        if (p->ns.two_step)
            intermediate(&a);
        init_main(&a);
    }
    return pid;
}

/* Two-step start: write the maps of the user namespace the intermediate
 * made, reap it and take over its child, the init. */
static int adopt_init(struct launch *l, const struct spec_linux *lx, struct error **err)
{
    struct sync_msg m;
    if (sync_recv(l->sync_fd, &m, err) < 0)
        return -1;
    if (m.type == SYNC_MAPS) {
        if (userns_write_maps(l->pid, lx, err) < 0)
            return error_prefix(err, "user namespace");
        if (sync_send(l->sync_fd, SYNC_GO, NULL) < 0 || sync_recv(l->sync_fd, &m, err) < 0)
            return error_setc(err, EXIT_FAIL, errno, "the container's set-up process exited");
    }
    if (m.type != SYNC_PID)
        return m.type == SYNC_ERROR ? sync_error(&m, err)
                                    : error_setc(err, EXIT_FAIL, 0, "the container's init exited during set-up");
    while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
        ;
    l->pid = m.value;
    close(l->pidfd);
    l->pidfd = syscall(SYS_pidfd_open, l->pid, 0);
    if (l->pidfd < 0)
        return error_set(err, errno, "pidfd_open %d", (int)l->pid);
    return 0;
}

static int write_oom_score_adj(pid_t pid, const struct spec_process *proc, struct error **err)
{
    if (!proc->has_oom_score_adj)
        return 0;
    char path[64], val[32];
    snprintf(path, sizeof(path), "/proc/%d/oom_score_adj", (int)pid);
    int len = snprintf(val, sizeof(val), "%d", proc->oom_score_adj);
    CLEANUP_CLOSE int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 || write(fd, val, len) != len)
        return error_set(err, errno, "process.oomScoreAdj: write %d to %s", proc->oom_score_adj, path);
    return 0;
}

/* The maps could not be written because the init is gone (a zombie's
 * /proc/PID is root's): its own last words say why, when it left some. */
static int maps_failed(const struct launch *l, struct error **err)
{
    struct pollfd pfd = { .fd = l->sync_fd, .events = POLLIN };
    struct sync_msg m;
    CLEANUP_ERROR struct error *ignored = NULL;
    if (poll(&pfd, 1, 100) != 1 || sync_recv(l->sync_fd, &m, &ignored) < 0 || m.type != SYNC_ERROR)
        return error_prefix(err, "user namespace");
    error_free(*err);
    *err = NULL;
    sync_error(&m, err);
    return error_prefix(err, "the container's init exited before its id maps were written");
}

/* The parent's part while the init waits for SYNC_GO, then the init's part. */
static int set_up_init(const struct plan *p, struct launch *l, bool into_cgroup, struct error **err)
{
    const struct spec_linux *lx = p->spec->linux_;
    if (p->ns.two_step && adopt_init(l, lx, err) < 0)
        return -1;
    if (!p->ns.two_step && ns_new(&p->ns, NS_USER) && userns_write_maps(l->pid, lx, err) < 0)
        return maps_failed(l, err);
    /* what the init's mapped root could not do itself */
    if (p->ns.wanted[NS_USER] && geteuid() == 0 &&
        (bind_sources_send(l->pid, p->spec, l->sync_fd, err) < 0 ||
         (devices_needed(p->spec) && !rootless_in_user_namespace() &&
          device_stage_send(p->spec, l->sync_fd, err) < 0)))
        return -1;
    if (write_oom_score_adj(l->pid, p->spec->process, err) < 0)
        return -1;
    bool v1_left = !init_joins_v1(p) && cgroup_detect_mode() != CGROUP_MODE_V2;
    bool v2_left = !into_cgroup && cgroup_detect_mode() != CGROUP_MODE_V1;
    if ((v1_left || v2_left) && l->cgroup && cgroup_enter(l->cgroup, l->pid, err) < 0)
        return error_prefix(err, "cgroup");
    if (sync_send_value(l->sync_fd, SYNC_GO, l->pid) < 0)
        return error_set(err, errno, "signal the container's init");
    return 0;
}

/* The container is recorded (state.json with its pid, the pid file): only
 * now may the init go on to exec (run) or to wait for start (create, whose
 * init says when it no longer dies with us). launch_wait runs the hooks and
 * takes the terminal the init sends on the way. */
static int release_init(const struct plan *p, struct launch *l, struct error **err)
{
    if (launch_wait(l, SYNC_READY, err) < 0 || write_pid_file(p->o->pid_file, l->pid, err) < 0)
        return -1;
    if (sync_send(l->sync_fd, SYNC_RECORDED, NULL) < 0)
        return error_set(err, errno, "signal the container's init");
    return p->o->run ? 0 : launch_wait(l, SYNC_DETACHED, err);
}

static int record_state(const struct plan *p, const struct launch *l, struct error **err)
{
    CLEANUP_STATE struct container_state *st = xcalloc(1, sizeof(*st));
    st->oci_version = xstrdup(p->spec->oci_version);
    st->id = xstrdup(p->o->id);
    st->pid = l->pid;
    st->pid_start_time = proc_start_time(l->pid);
    st->bundle = xstrdup(p->bundle);
    st->rootfs = xstrdup(p->rootfs);
    st->created = now_rfc3339();
    st->owner = getuid();
    st->cgroup = l->cgroup; /* borrowed: emitted only */
    for (int k = 0; k < NS_KINDS && l->pid > 0; k++)
        if (p->ns.wanted[k])
            st->ns_paths[k] = p->ns.join_path[k] ? xstrdup(p->ns.join_path[k])
                                                 : xasprintf("/proc/%d/ns/%s", (int)l->pid, ns_proc_name(k));
    st->annotations = p->spec->annotations; /* borrowed too */
    st->n_annotations = p->spec->n_annotations;
    int rc = state_write(p->root, st, err);
    st->cgroup = NULL;
    st->annotations = NULL;
    st->n_annotations = 0;
    return rc;
}

/* Undo a failed create: the init dies (taking its mount namespace with it),
 * its cgroup and the state directory go. */
static void undo_create(struct launch *l)
{
    if (l->pid > 0) {
        kill(l->pid, SIGKILL);
        while (waitpid(l->pid, NULL, 0) < 0 && errno == EINTR)
            ;
        l->pid = 0;
    }
    container_run_cleanup(l);
}

static int make_exec_fifo(const char *root, const char *id, struct error **err)
{
    CLEANUP_FREE char *path = xasprintf("%s/%s/" STATE_EXEC_FIFO, root, id);
    if (mkfifo(path, 0600) < 0)
        return error_set(err, errno, "mkfifo %s", path);
    /* The init waits on the read end; `start` opening it for writing (which
     * fails at once when the init is gone) and writing a byte releases it. */
    int fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    return fd;
}

/* With a seccomp notify rule, the listener's message names the init's pid
 * as we see it: run passes the init's notify fd on with it (l->notify);
 * create leaves it in the notify fifo for start. */
static int prepare_notify(const struct plan *p, struct launch *l, struct error **err)
{
    if (!security_plan_notifies(p->sec))
        return 0;
    CLEANUP_FREE char *state_json = initial_state_json(p);
    struct notify_relay *r = NULL;
    if (notify_relay_new(p->sec, state_json, l->pid, &r, err) < 0)
        return -1;
    if (p->o->run) {
        l->notify = r;
        return 0;
    }
    int rc = notify_fifo_stash(p->notify_fifo_fd, notify_relay_message(r), err);
    notify_relay_free(r);
    return rc;
}

/* runc 1.1's words, which clients match on: a cgroupsPath another
 * container's processes are in is shared, with a warning. */
static void warn_if_cgroup_in_use(struct cgroup *cg)
{
    CLEANUP_FREE pid_t *pids = NULL;
    size_t n = 0;
    CLEANUP_ERROR struct error *ignored = NULL;
    if (cgroup_pids(cg, &pids, &n, &ignored) == 0 && n > 0)
        log_warn("container's cgroup is not empty: %zu process(es) found", n);
}

static int launch_init(struct plan *p, struct launch *l, struct error **err)
{
    CLEANUP_CLOSE int start_fd = -1;
    if (!p->o->run && (start_fd = make_exec_fifo(p->root, p->o->id, err)) < 0)
        return -1;
    CLEANUP_CLOSE int notify_fifo_fd = -1;
    if (!p->o->run && security_plan_notifies(p->sec) &&
        (notify_fifo_fd = notify_fifo_make(p->root, p->o->id, err)) < 0)
        return -1;
    p->notify_fifo_fd = notify_fifo_fd;
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return error_set(err, errno, "socketpair");
    l->sync_fd = sv[0];
    CLEANUP_CLOSE int child_sock = sv[1];
    const struct spec_linux *lx = p->spec->linux_;
    CLEANUP_FREE char *rootless_path = NULL;
    bool rootless = rootless_cgroups();
    if (rootless && rootless_cgroup_path(lx, p->o->id, p->root, &rootless_path, err) < 0)
        return -1;
    bool no_cgroup = rootless && rootless_path == NULL;
    const char *cg_path = rootless ? rootless_path : lx ? lx->cgroups_path : NULL;
    if (!no_cgroup && cgroup_new(cg_path, p->o->id, &l->cgroup, err) < 0)
        return error_prefix(err, "cgroup");
    log_debug("%s: cgroup planned, writing the first state.json", p->o->id);
    /* A first state.json (pid 0: "creating") names the cgroup before it
     * exists, so that delete --force can clean up after a create killed
     * from here on. */
    if (record_state(p, l, err) < 0)
        return -1;
    if (!no_cgroup && cgroup_create(l->cgroup, lx ? lx->resources : NULL, 0, err) < 0) {
        cgroup_free(l->cgroup);
        l->cgroup = NULL;
        return error_prefix(err, "cgroup");
    }
    log_debug("%s: cgroup created", p->o->id);
    if (l->cgroup)
        warn_if_cgroup_in_use(l->cgroup);
    /* An init in a frozen cgroup would stop before its first step, and
     * create with it (a pre-existing frozen cgroupsPath): refuse at once. */
    if (l->cgroup && cgroup_is_freezing(l->cgroup))
        return error_setc(err, EXIT_STATE, 0, "container's cgroup unexpectedly frozen (%s)",
                          cgroup_path_of(l->cgroup, "freezer"));
    if (ns_join_pid_for_children(&p->ns, err) < 0)
        return -1;
    bool into_cgroup;
    l->pid = clone_init(p, l, child_sock, start_fd, &l->pidfd, &into_cgroup, err);
    ns_reset_pid_for_children(&p->ns);
    /* Only the init may hold its end: when it dies, we read EOF, not hang. */
    close(TAKE_FD(child_sock));
    if (l->pid < 0) {
        l->pid = 0;
        return -1;
    }
    log_debug("%s: init cloned as pid %d%s", p->o->id, (int)l->pid, into_cgroup ? " into its cgroup" : "");
    /* state.json is written while the init sets itself up; the init waits
     * for release_init. With run, its later errors, or the EOF of its exec,
     * reach container_run_wait_exec. */
    if (set_up_init(p, l, into_cgroup, err) < 0 || record_state(p, l, err) < 0 || prepare_notify(p, l, err) < 0)
        return -1;
    log_debug("%s: state.json written, waiting for the init", p->o->id);
    if (release_init(p, l, err) < 0)
        return -1;
    log_debug("%s: init released%s", p->o->id, p->o->run ? "" : ", waiting for start");
    return 0;
}

int container_create(const char *root, const struct create_opts *o, struct launch *l,
                     struct error **err)
{
    *l = (struct launch){ .pidfd = -1, .sync_fd = -1, .pty_master = -1, .console_socket = o->console_socket };
    struct plan p = { .o = o, .root = root, .notify_fifo_fd = -1 };
    if (state_check_id(o->id, err) < 0 || load_config(&p, err) < 0) {
        plan_release(&p);
        return -1;
    }
    log_debug("%s: config %s/config.json valid, rootfs %s", o->id, p.bundle, p.rootfs);
    CLEANUP_CLOSE int dirfd = p.dirfd = state_dir_create(root, o->id, err);
    if (dirfd < 0) {
        plan_release(&p);
        return -1;
    }
    l->root = xstrdup(root);
    l->id = xstrdup(o->id);
    l->own_pidns = ns_new(&p.ns, NS_PID);
    /* run's poststart and poststop, and a failed create's poststop. */
    l->spec = p.spec;
    l->bundle = xstrdup(p.bundle);
    int rc = launch_init(&p, l, err);
    if (rc < 0) {
        undo_create(l);
        launch_release(l);
    }
    p.spec = NULL; /* the launch's now */
    plan_release(&p);
    return rc;
}
