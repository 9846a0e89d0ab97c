/* linux.seccomp: filters compiled by security_prepare and loaded by
 * security_finish in a forked child; the child's syscalls show the effect. */
#include <errno.h>
#include <fcntl.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "runtime/security/security.h"
#include "tests/unit/tap.h"

/* A spec with process.noNewPrivileges and one seccomp rule. */
struct fixture {
    struct spec spec;
    struct spec_process proc;
    struct spec_linux lin;
    struct spec_seccomp sc;
    struct spec_seccomp_syscall rule;
    struct spec_seccomp_arg args[2];
    char *names[3];
};

static void fixture_init(struct fixture *f, const char *default_action, const char *name, const char *action)
{
    memset(f, 0, sizeof(*f));
    f->spec.process = &f->proc;
    f->proc.no_new_privileges = true;
    f->spec.linux_ = &f->lin;
    f->lin.seccomp = &f->sc;
    f->sc.default_action = (char *)default_action;
    f->sc.syscalls = &f->rule;
    f->sc.n_syscalls = 1;
    f->rule.names = f->names;
    f->names[0] = (char *)name;
    f->rule.action = (char *)action;
    f->rule.args = f->args;
}

static void fixture_arg(struct fixture *f, uint32_t index, const char *op, uint64_t value, uint64_t value_two)
{
    f->args[f->rule.n_args++] = (struct spec_seccomp_arg){ index, value, value_two, (char *)op };
}

/* Child: load the plan, then getpriority(which, 0); exit with its errno
 * (0 on success). Returns the wait status. */
static int run_getpriority(struct fixture *f, int which, const char *state_json)
{
    struct error *err = NULL;
    struct security_plan *p = NULL;
    if (security_validate(&f->spec, &err) < 0 || security_prepare(&f->spec, &p, &err) < 0) {
        fprintf(stderr, "# %s\n", err->msg);
        error_free(err);
        return -1;
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (security_finish(p, state_json, NULL, &err) < 0) {
            fprintf(stderr, "# child: %s\n", err->msg);
            _exit(200);
        }
        errno = 0;
        long r = syscall(SYS_getpriority, which, 0);
        _exit(r < 0 ? errno : 0);
    }
    security_plan_free(p);
    int status = 0;
    waitpid(pid, &status, 0);
    return status;
}

static int exit_code(int status)
{
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_errno_rule(void)
{
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    f.rule.has_errno_ret = true;
    f.rule.errno_ret = 77;
    ok(exit_code(run_getpriority(&f, PRIO_PROCESS, NULL)) == 77, "SCMP_ACT_ERRNO with errnoRet 77 fails the syscall with 77");
    f.rule.has_errno_ret = false;
    ok(exit_code(run_getpriority(&f, PRIO_PROCESS, NULL)) == EPERM, "SCMP_ACT_ERRNO without errnoRet fails with EPERM");
}

/* What the child (and ASan, under SANITIZE=1) calls after loading. */
#define ALSO_NEEDED "exit_group", "exit", "write", "close", "sigaltstack", "mmap", "munmap", "madvise", \
                    "rt_sigaction", "rt_sigprocmask", "gettid", "getpid", "futex", "prctl", "sched_yield"

static void test_default_errno(void)
{
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ERRNO", "getpriority", "SCMP_ACT_ERRNO");
    f.sc.has_default_errno_ret = true;
    f.sc.default_errno_ret = 33;
    f.rule.action = "SCMP_ACT_ALLOW";
    /* Everything else the child needs after loading must be allowed. */
    f.rule.names = (char *[]){ "getpriority", ALSO_NEEDED, NULL };
    ok(exit_code(run_getpriority(&f, PRIO_PROCESS, NULL)) == 0, "defaultAction ERRNO: an allowed syscall works");
    f.rule.names = (char *[]){ ALSO_NEEDED, NULL };
    ok(exit_code(run_getpriority(&f, PRIO_PROCESS, NULL)) == 33, "defaultAction ERRNO with defaultErrnoRet 33");
}

struct op_case {
    const char *op;
    uint64_t value, value_two;
    int which;
    int hit;
};

static void test_operators(void)
{
    static const struct op_case cases[] = {
        { "SCMP_CMP_EQ", 2, 0, 2, 1 },  { "SCMP_CMP_EQ", 2, 0, 1, 0 },
        { "SCMP_CMP_NE", 2, 0, 1, 1 },  { "SCMP_CMP_NE", 2, 0, 2, 0 },
        { "SCMP_CMP_LT", 2, 0, 1, 1 },  { "SCMP_CMP_LT", 2, 0, 2, 0 },
        { "SCMP_CMP_LE", 2, 0, 2, 1 },  { "SCMP_CMP_LE", 2, 0, 3, 0 },
        { "SCMP_CMP_GT", 2, 0, 3, 1 },  { "SCMP_CMP_GT", 2, 0, 2, 0 },
        { "SCMP_CMP_GE", 2, 0, 2, 1 },  { "SCMP_CMP_GE", 2, 0, 1, 0 },
        { "SCMP_CMP_MASKED_EQ", 0x6, 0x4, 0x5, 1 }, { "SCMP_CMP_MASKED_EQ", 0x6, 0x4, 0x2, 0 },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        const struct op_case *c = &cases[i];
        struct fixture f;
        fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
        f.rule.has_errno_ret = true;
        f.rule.errno_ret = 99;
        fixture_arg(&f, 0, c->op, c->value, c->value_two);
        int code = exit_code(run_getpriority(&f, c->which, NULL));
        /* Unmatched: the kernel's own answer (EINVAL for a bad "which", 0 otherwise). */
        int hit = code == 99;
        ok(hit == c->hit, "%s %#llx (%#llx) on arg0=%d %s", c->op, (unsigned long long)c->value,
           (unsigned long long)c->value_two, c->which, c->hit ? "matches" : "does not match");
    }
}

static void test_args_and_or(void)
{
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    f.rule.has_errno_ret = true;
    f.rule.errno_ret = 98;
    fixture_arg(&f, 0, "SCMP_CMP_EQ", 1, 0);
    fixture_arg(&f, 0, "SCMP_CMP_EQ", 2, 0);
    ok(exit_code(run_getpriority(&f, 2, NULL)) == 98 && exit_code(run_getpriority(&f, 1, NULL)) == 98 &&
           exit_code(run_getpriority(&f, 0, NULL)) == 0,
       "two conditions on one argument are alternatives");
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    f.rule.has_errno_ret = true;
    f.rule.errno_ret = 98;
    fixture_arg(&f, 0, "SCMP_CMP_EQ", 0, 0);
    fixture_arg(&f, 1, "SCMP_CMP_EQ", 5, 0);
    ok(exit_code(run_getpriority(&f, 0, NULL)) == 0, "conditions on two arguments must all hold");
}

static void test_kill_and_trap(void)
{
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_KILL_PROCESS");
    int st = run_getpriority(&f, 0, NULL);
    ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SCMP_ACT_KILL_PROCESS kills with SIGSYS");
    f.rule.action = "SCMP_ACT_TRAP";
    st = run_getpriority(&f, 0, NULL);
    ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SCMP_ACT_TRAP delivers SIGSYS");
    f.rule.action = "SCMP_ACT_KILL";
    st = run_getpriority(&f, 0, NULL);
    ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGSYS, "SCMP_ACT_KILL kills the thread (the only one)");
    f.rule.action = "SCMP_ACT_LOG";
    ok(exit_code(run_getpriority(&f, 0, NULL)) == 0, "SCMP_ACT_LOG allows");
    f.rule.action = "SCMP_ACT_TRACE";
    ok(exit_code(run_getpriority(&f, 0, NULL)) == ENOSYS, "SCMP_ACT_TRACE without a tracer fails with ENOSYS");
}

static void test_flags_and_arches(void)
{
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    f.sc.flags = (char *[]){ "SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW",
                             "SECCOMP_FILTER_FLAG_TSYNC", NULL };
    f.sc.architectures = (char *[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
    ok(exit_code(run_getpriority(&f, 0, NULL)) == EPERM, "flags LOG, SPEC_ALLOW, TSYNC and three architectures load");
    f.sc.flags = (char *[]){ "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", NULL };
    ok(exit_code(run_getpriority(&f, 0, NULL)) == EPERM, "flag WAIT_KILLABLE_RECV loads");
}

static int validate_error(struct fixture *f, const char *needle)
{
    struct error *err = NULL;
    int rc = security_validate(&f->spec, &err);
    int good = rc < 0 && err && err->exit_class == EXIT_INVALID && strstr(err->msg, needle);
    if (!good)
        fprintf(stderr, "# got: %s\n", err ? err->msg : "(no error)");
    error_free(err);
    return good;
}

static void test_refusals(void)
{
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_BOGUS", "getpriority", "SCMP_ACT_ERRNO");
    ok(validate_error(&f, "linux.seccomp.defaultAction: unknown action \"SCMP_ACT_BOGUS\""), "unknown default action refused");
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_NOPE");
    ok(validate_error(&f, "linux.seccomp.syscalls[0].action: unknown action"), "unknown rule action refused");
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    fixture_arg(&f, 0, "SCMP_CMP_ALMOST", 1, 0);
    ok(validate_error(&f, "args[0].op: unknown operator \"SCMP_CMP_ALMOST\""), "unknown operator refused");
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    fixture_arg(&f, 6, "SCMP_CMP_EQ", 1, 0);
    ok(validate_error(&f, "args[0].index: 6 is out of range"), "argument index 6 refused");
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    f.sc.architectures = (char *[]){ "SCMP_ARCH_Z80", NULL };
    ok(validate_error(&f, "architectures[0]: unknown architecture \"SCMP_ARCH_Z80\""), "unknown architecture refused");
    f.sc.architectures = NULL;
    f.sc.flags = (char *[]){ "SECCOMP_FILTER_FLAG_FAST", NULL };
    ok(validate_error(&f, "flags[0]: unknown flag \"SECCOMP_FILTER_FLAG_FAST\""), "unknown flag refused");
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_NOTIFY");
    ok(validate_error(&f, "listenerPath: required"), "SCMP_ACT_NOTIFY without listenerPath refused");
    fixture_init(&f, "SCMP_ACT_NOTIFY", "getpriority", "SCMP_ACT_ERRNO");
    ok(validate_error(&f, "cannot be the default action"), "SCMP_ACT_NOTIFY as default action refused");
    fixture_init(&f, "SCMP_ACT_ALLOW", "write", "SCMP_ACT_NOTIFY");
    f.sc.listener_path = "/x";
    ok(validate_error(&f, "cannot be used for \"write\""), "SCMP_ACT_NOTIFY on write refused");
    struct error *err = NULL;
    fixture_init(&f, "SCMP_ACT_ALLOW", "sendmsg", "SCMP_ACT_NOTIFY");
    f.sc.listener_path = "/x";
    f.names[1] = "sendto";
    ok(security_validate(&f.spec, &err) == 0, "SCMP_ACT_NOTIFY on sendmsg and sendto accepted");
    error_free(err);
}

static void test_unknown_syscall_skipped(void)
{
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_ERRNO");
    f.rule.names = (char *[]){ "no_such_syscall_xyz", "getpriority", NULL };
    ok(exit_code(run_getpriority(&f, 0, NULL)) == EPERM, "an unknown syscall name is skipped, the others apply");
}

/* The listener: accept, receive the fd and the state, answer the
 * notification with errno 61. */
static int listener_serve(int lfd, char *body, size_t body_len)
{
    int conn = accept4(lfd, NULL, NULL, SOCK_CLOEXEC);
    if (conn < 0)
        return -1;
    char control[CMSG_SPACE(sizeof(int))];
    struct iovec iov = { body, body_len - 1 };
    struct msghdr mh = { .msg_iov = &iov, .msg_iovlen = 1, .msg_control = control, .msg_controllen = sizeof(control) };
    ssize_t n = recvmsg(conn, &mh, MSG_CMSG_CLOEXEC);
    close(conn);
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    if (n <= 0 || c == NULL || c->cmsg_type != SCM_RIGHTS)
        return -1;
    body[n] = '\0';
    int nfd;
    memcpy(&nfd, CMSG_DATA(c), sizeof(int));
    struct seccomp_notif req;
    memset(&req, 0, sizeof(req));
    if (ioctl(nfd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0)
        return -1;
    struct seccomp_notif_resp resp = { .id = req.id, .error = -61, .val = 0, .flags = 0 };
    int rc = ioctl(nfd, SECCOMP_IOCTL_NOTIF_SEND, &resp);
    close(nfd);
    return rc;
}

/* A listening socket at dir/listener.sock; -1 after a failed ok(). */
static int listener_socket(char *dir, char **path)
{
    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return -1;
    }
    *path = xasprintf("%s/listener.sock", dir);
    int lfd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    strcpy(addr.sun_path, *path);
    if (bind(lfd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(lfd, 1) < 0) {
        ok(0, "listener socket");
        return -1;
    }
    return lfd;
}

static void test_notify(void)
{
    char dir[] = "/tmp/seccomp-notify-XXXXXX";
    CLEANUP_FREE char *path = NULL;
    int lfd = listener_socket(dir, &path);
    if (lfd < 0)
        return;
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ALLOW", "getpriority", "SCMP_ACT_NOTIFY");
    f.sc.listener_path = path;
    f.sc.listener_metadata = "hello-listener";
    struct error *err = NULL;
    struct security_plan *p = NULL;
    if (security_validate(&f.spec, &err) < 0 || security_prepare(&f.spec, &p, &err) < 0) {
        fprintf(stderr, "# %s\n", err->msg);
        error_free(err);
        ok(0, "notify plan");
        return;
    }
    pid_t pid = fork();
    if (pid == 0) {
        CLEANUP_FREE char *state = xasprintf("{\"ociVersion\":\"1.0.2\",\"id\":\"c1\",\"status\":\"creating\","
                                             "\"pid\":%d,\"bundle\":\"/b\"}", (int)getpid());
        if (security_finish(p, state, NULL, &err) < 0)
            _exit(200);
        long r = syscall(SYS_getpriority, 0, 0);
        _exit(r < 0 ? errno : 0);
    }
    security_plan_free(p);
    char body[4096];
    int served = listener_serve(lfd, body, sizeof(body));
    int status = 0;
    waitpid(pid, &status, 0);
    ok(served == 0 && exit_code(status) == 61, "SCMP_ACT_NOTIFY: the listener gets the fd and answers errno 61");
    CLEANUP_JSON yajl_val v = NULL;
    const char *fd0 = NULL, *meta = NULL, *st = NULL, *ver = NULL;
    int64_t jpid = 0;
    yajl_val fds = NULL, state = NULL;
    int parsed = json_parse(body, strlen(body), "listener message", &v, &err) == 0 &&
                 json_get_array(v, "", "fds", &fds, &err) == 1 && YAJL_IS_ARRAY(fds) && fds->u.array.len == 1 &&
                 json_as_string(fds->u.array.values[0], "fds[0]", &fd0, &err) == 1 &&
                 json_get_string(v, "", "metadata", &meta, &err) == 1 &&
                 json_get_string(v, "", "ociVersion", &ver, &err) == 1 &&
                 json_get_int64(v, "", "pid", &jpid, &err) == 1 &&
                 json_get_object(v, "", "state", &state, &err) == 1 &&
                 json_get_string(state, "state", "status", &st, &err) == 1;
    ok(parsed && strcmp(fd0, "seccompFd") == 0 && strcmp(meta, "hello-listener") == 0 && jpid == pid &&
           strcmp(st, "creating") == 0 && strcmp(ver, "1.0.2") == 0,
       "the listener's message is the containerProcessState (fds, pid, metadata, state)");
    if (!parsed)
        fprintf(stderr, "# message: %s (%s)\n", body, err ? err->msg : "");
    error_free(err);
    close(lfd);
    unlink(path);
    rmdir(dir);
}

/* The child's side as the init's over its sync socket: write the fd's
 * number, read the answer ('1': the listener has it). */
struct pipe_ends {
    int up, down;
};

static int pipe_hand_over(void *ctx, const struct notify_fds *f, struct error **err)
{
    const struct pipe_ends *e = ctx;
    char ack = 0;
    if (write(e->up, &f->notify_fd, sizeof(int)) != sizeof(int) || read(e->down, &ack, 1) != 1)
        return error_set(err, errno, "hand-over");
    return ack == '1';
}

/* The runtime's side: the number from the child, the fd with pidfd_getfd,
 * the message to the listener; -1 when something failed. */
static int relay_for(struct security_plan *p, pid_t pid, int up, int down, const char *state)
{
    struct error *err = NULL;
    struct notify_relay *r = NULL;
    int num = -1, rc = -1;
    int pidfd = syscall(SYS_pidfd_open, pid, 0);
    if (pidfd >= 0 && read(up, &num, sizeof(num)) == sizeof(num) &&
        notify_relay_new(p, state, pid, &r, &err) == 0 && r != NULL)
        rc = notify_relay_pass(r, pidfd, num, &err);
    char ack = rc == 1 ? '1' : '2';
    if (write(down, &ack, 1) != 1)
        rc = -1;
    if (err)
        fprintf(stderr, "# relay: %s\n", err->msg);
    error_free(err);
    notify_relay_free(r);
    if (pidfd >= 0)
        close(pidfd);
    return rc;
}

/* NOTIFY on sendmsg: the child cannot send the fd itself; it writes the
 * number, the parent takes the fd and sends it, the listener answers the
 * child's sendmsg. */
static void test_notify_relay(void)
{
    char dir[] = "/tmp/seccomp-relay-XXXXXX";
    CLEANUP_FREE char *path = NULL;
    int lfd = listener_socket(dir, &path);
    if (lfd < 0)
        return;
    struct fixture f;
    fixture_init(&f, "SCMP_ACT_ALLOW", "sendmsg", "SCMP_ACT_NOTIFY");
    f.sc.listener_path = path;
    struct error *err = NULL;
    struct security_plan *p = NULL;
    int up[2], down[2];
    if (security_validate(&f.spec, &err) < 0 || security_prepare(&f.spec, &p, &err) < 0 || pipe2(up, O_CLOEXEC) < 0 ||
        pipe2(down, O_CLOEXEC) < 0) {
        fprintf(stderr, "# %s\n", err ? err->msg : strerror(errno));
        error_free(err);
        ok(0, "relay plan");
        return;
    }
    const char *state = "{\"ociVersion\":\"1.0.2\",\"id\":\"c2\",\"status\":\"creating\",\"bundle\":\"/b\"}";
    pid_t pid = fork();
    if (pid == 0) {
        struct pipe_ends e = { up[1], down[0] };
        struct notify_handover h = { pipe_hand_over, &e };
        if (security_finish(p, state, &h, &err) < 0)
            _exit(200);
        long r = syscall(SYS_sendmsg, -1, NULL, 0);
        _exit(r < 0 ? errno : 0);
    }
    int relayed = relay_for(p, pid, up[0], down[1], state);
    security_plan_free(p);
    char body[4096];
    int served = listener_serve(lfd, body, sizeof(body));
    int status = 0;
    waitpid(pid, &status, 0);
    ok(relayed == 1 && served == 0 && exit_code(status) == 61,
       "SCMP_ACT_NOTIFY on sendmsg: the parent takes the notify fd (pidfd_getfd), the listener answers");
    CLEANUP_FREE char *want = xasprintf("\"pid\":%d,", (int)pid);
    ok(strstr(body, want) != NULL && strstr(body, "\"seccompFd\"") != NULL,
       "the parent's message names the child's pid");
    for (int i = 0; i < 2; i++) {
        close(up[i]);
        close(down[i]);
    }
    close(lfd);
    unlink(path);
    rmdir(dir);
}

int main(void)
{
    alarm(60); /* a broken listener exchange must not hang the suite */
    test_errno_rule();
    test_default_errno();
    test_operators();
    test_args_and_or();
    test_kill_and_trap();
    test_flags_and_arches();
    test_refusals();
    test_unknown_syscall_skipped();
    test_notify();
    test_notify_relay();
    return tap_done();
}
