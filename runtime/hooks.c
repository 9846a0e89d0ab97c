/* Running one OCI hook: fork, the state JSON on stdin (a socket, so that a
 * hook that does not read cannot block us), stdout and stderr kept for the
 * error message, a deadline from its timeout. */
#include "runtime/hooks.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/xalloc.h"

extern char **environ;

char *hooks_state_json(const struct spec *s, const char *id, const char *bundle, pid_t pid, const char *status)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_obj_open(g);
    jg_key_str(g, "ociVersion", s->oci_version);
    jg_key_str(g, "id", id);
    jg_key_str(g, "status", status);
    jg_key_int(g, "pid", pid);
    jg_key_str(g, "bundle", bundle);
    if (s->n_annotations) {
        jg_key(g, "annotations");
        jg_obj_open(g);
        for (size_t i = 0; i < s->n_annotations; i++)
            jg_key_str(g, s->annotations[i].key, s->annotations[i].value);
        jg_obj_close(g);
    }
    jg_obj_close(g);
    size_t len;
    const char *text = jg_text(g, &len);
    return xasprintf("%.*s", (int)len, text);
}

bool hooks_any(const struct spec *s, enum spec_hook_kind k)
{
    return s && s->hooks && s->hooks->count[k] > 0;
}

__attribute__((noreturn)) static void child(const struct spec_hook *h, int in, int out)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    if (dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
        _exit(127);
    close_range(3, ~0U, 0);
    char *argv0[] = { h->path, NULL };
    /* runc's: no args means argv = { path }; no env means ours. */
    execve(h->path, h->args && h->args[0] ? h->args : argv0, h->env ? h->env : environ);
    dprintf(2, "exec %s: %s\n", h->path, strerror(errno));
    _exit(127);
}

struct hook_io {
    int in, out, pidfd;
    const char *json;
    size_t sent, len;
    char tail[4096]; /* the end of its output */
    size_t tail_len;
};

static void keep_tail(struct hook_io *io, const char *buf, size_t n)
{
    if (n >= sizeof(io->tail)) {
        buf += n - sizeof(io->tail);
        n = sizeof(io->tail);
    }
    if (io->tail_len + n > sizeof(io->tail)) {
        size_t drop = io->tail_len + n - sizeof(io->tail);
        memmove(io->tail, io->tail + drop, io->tail_len - drop);
        io->tail_len -= drop;
    }
    memcpy(io->tail + io->tail_len, buf, n);
    io->tail_len += n;
}

static long long now_ms(void)
{
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec * 1000LL + ts.tv_nsec / 1000000;
}

/* Feed stdin, collect output, until it exits; false on timeout. */
static bool pump(struct hook_io *io, int timeout_s)
{
    long long deadline = timeout_s > 0 ? now_ms() + timeout_s * 1000LL : -1;
    bool exited = false;
    while (!exited || io->out >= 0) {
        struct pollfd p[3] = {
            { .fd = io->pidfd, .events = POLLIN },
            { .fd = io->out, .events = POLLIN },
            { .fd = io->sent < io->len ? io->in : -1, .events = POLLOUT },
        };
        int wait = deadline < 0 ? -1 : (int)(deadline - now_ms());
        if (deadline >= 0 && wait <= 0)
            return false;
        if (poll(p, 3, wait) < 0 && errno != EINTR)
            return true;
        if (p[0].revents)
            exited = true;
        if (p[2].revents) {
            ssize_t n = send(io->in, io->json + io->sent, io->len - io->sent, MSG_NOSIGNAL | MSG_DONTWAIT);
            io->sent = n > 0 ? io->sent + (size_t)n : io->len; /* a hook that closed stdin reads no more */
            if (io->sent == io->len)
                shutdown(io->in, SHUT_WR); /* its EOF */
        }
        if (p[1].revents) {
            char buf[4096];
            ssize_t n = read(io->out, buf, sizeof(buf));
            if (n > 0)
                keep_tail(io, buf, (size_t)n);
            else if (n == 0 || errno != EINTR) {
                close(io->out);
                io->out = -1;
            }
        }
        if (exited && io->out >= 0 && !(p[1].revents & POLLIN))
            break; /* exited; what a grandchild keeps open is not waited for */
    }
    return true;
}

/* The last non-empty line of the output, for the error message. */
static const char *last_line(struct hook_io *io)
{
    while (io->tail_len && (io->tail[io->tail_len - 1] == '\n' || io->tail[io->tail_len - 1] == '\r'))
        io->tail_len--;
    io->tail[io->tail_len < sizeof(io->tail) ? io->tail_len : sizeof(io->tail) - 1] = '\0';
    char *nl = strrchr(io->tail, '\n');
    return nl ? nl + 1 : io->tail;
}

static int run_one(const struct spec_hook *h, const char *what, const char *json, struct error **err)
{
    int sv[2], out[2];
    if (socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) < 0)
        return error_set(err, errno, "%s: socketpair", what);
    if (pipe2(out, O_CLOEXEC) < 0) {
        close(sv[0]);
        close(sv[1]);
        return error_set(err, errno, "%s: pipe", what);
    }
    pid_t pid = fork();
    if (pid == 0)
        child(h, sv[1], out[1]);
    close(sv[1]);
    close(out[1]);
    struct hook_io io = { .in = sv[0], .out = out[0], .json = json, .len = strlen(json) };
    io.pidfd = pid > 0 ? (int)syscall(SYS_pidfd_open, pid, 0) : -1;
    bool in_time = pid > 0 && io.pidfd >= 0 ? pump(&io, h->has_timeout ? h->timeout : 0) : true;
    int status = 0;
    if (pid > 0) {
        if (!in_time)
            kill(pid, SIGKILL);
        while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
            ;
    }
    close(io.in);
    if (io.out >= 0)
        close(io.out);
    if (io.pidfd >= 0)
        close(io.pidfd);
    if (pid < 0)
        return error_set(err, errno, "%s: fork", what);
    if (!in_time)
        return error_setc(err, EXIT_FAIL, 0, "%s: %s: timed out after %d s", what, h->path, h->timeout);
    const char *line = last_line(&io);
    if (WIFSIGNALED(status))
        return error_setc(err, EXIT_FAIL, 0, "%s: %s: killed by signal %d%s%s", what, h->path, WTERMSIG(status),
                          *line ? ": " : "", line);
    if (WEXITSTATUS(status) != 0)
        return error_setc(err, EXIT_FAIL, 0, "%s: %s: exit status %d%s%s", what, h->path, WEXITSTATUS(status),
                          *line ? ": " : "", line);
    return 0;
}

int hooks_run(const struct spec *s, enum spec_hook_kind k, const char *state_json, struct error **err)
{
    if (!hooks_any(s, k))
        return 0;
    for (size_t i = 0; i < s->hooks->count[k]; i++) {
        char what[64];
        snprintf(what, sizeof(what), "hooks.%s[%zu]", spec_hook_names[k], i);
        if (run_one(&s->hooks->list[k][i], what, state_json, err) < 0)
            return -1;
    }
    return 0;
}

void hooks_run_warn(const struct spec *s, enum spec_hook_kind k, const char *state_json)
{
    if (!hooks_any(s, k))
        return;
    for (size_t i = 0; i < s->hooks->count[k]; i++) {
        char what[64];
        snprintf(what, sizeof(what), "hooks.%s[%zu]", spec_hook_names[k], i);
        CLEANUP_ERROR struct error *err = NULL;
        if (run_one(&s->hooks->list[k][i], what, state_json, &err) < 0)
            log_warn("%s", err->msg);
    }
}
