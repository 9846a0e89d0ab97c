/* A foreground run or exec with a terminal: the caller's terminal is
 * lent to the container's pty. */
#include "runtime/terminal/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "common/fs.h"

struct relay {
    pid_t pid;
    int master;
    int sigfd;
    bool stdin_open;
    bool master_open;
    bool raw;
    struct termios saved;
    int code;   /* exit code once reaped */
    bool done;
};

static void copy_winsize(int master)
{
    struct winsize ws;
    if (ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) == 0)
        ioctl(master, TIOCSWINSZ, &ws);
}

void terminal_size_from_caller(struct spec_process *p, const char *console_socket, bool detached)
{
    struct winsize ws;
    if (p == NULL || !p->terminal || console_socket || detached || p->has_console_size ||
        ioctl(STDIN_FILENO, TIOCGWINSZ, &ws) < 0)
        return;
    p->console_height = ws.ws_row;
    p->console_width = ws.ws_col;
    p->has_console_size = true;
}

static void make_raw(struct relay *r)
{
    if (!isatty(STDIN_FILENO) || tcgetattr(STDIN_FILENO, &r->saved) < 0)
        return;
    struct termios t = r->saved;
    cfmakeraw(&t); /* the container's pty does the line discipline */
    r->raw = tcsetattr(STDIN_FILENO, TCSANOW, &t) == 0;
}

/* Copy what one read gives; false at EOF or error. */
static bool pump(int from, int to)
{
    char buf[8192];
    ssize_t n = read(from, buf, sizeof(buf));
    if (n < 0 && (errno == EINTR || errno == EAGAIN))
        return true;
    if (n <= 0)
        return false;
    write_all(to, buf, (size_t)n);
    return true;
}

static void reap(struct relay *r)
{
    int status;
    if (waitpid(r->pid, &status, WNOHANG) != r->pid)
        return;
    r->code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    r->done = true;
}

static void on_signal(struct relay *r)
{
    struct signalfd_siginfo si;
    while (read(r->sigfd, &si, sizeof(si)) == (ssize_t)sizeof(si)) {
        if (si.ssi_signo == SIGCHLD)
            reap(r);
        else if (si.ssi_signo == SIGWINCH)
            copy_winsize(r->master);
        else
            kill(r->pid, (int)si.ssi_signo);
    }
}

/* The process is gone: what it wrote and nobody read yet still goes out. */
static void drain(int master)
{
    int flags = fcntl(master, F_GETFL);
    fcntl(master, F_SETFL, flags | O_NONBLOCK);
    struct pollfd p = { .fd = master, .events = POLLIN };
    while (poll(&p, 1, 50) > 0 && (p.revents & POLLIN) && pump(master, STDOUT_FILENO))
        ;
}

static void loop(struct relay *r)
{
    while (!r->done) {
        struct pollfd p[3] = {
            { .fd = r->sigfd, .events = POLLIN },
            { .fd = r->master_open ? r->master : -1, .events = POLLIN },
            { .fd = r->stdin_open ? STDIN_FILENO : -1, .events = POLLIN },
        };
        if (poll(p, 3, -1) < 0 && errno != EINTR)
            break;
        if (p[0].revents)
            on_signal(r);
        /* every slave closed (EIO): only signals and the exit are left */
        if (((p[1].revents & POLLIN) && !pump(r->master, STDOUT_FILENO)) ||
            (p[1].revents & (POLLHUP | POLLERR) && !(p[1].revents & POLLIN)))
            r->master_open = false;
        if (p[2].revents && r->master_open && !pump(STDIN_FILENO, r->master))
            r->stdin_open = false;
    }
}

int terminal_relay_until_exit(pid_t pid, int master)
{
    struct relay r = { .pid = pid, .master = master, .stdin_open = true, .master_open = true, .code = 1 };
    sigset_t set;
    sigprocmask(SIG_BLOCK, NULL, &set); /* the blocked set: what signals_block_all blocked */
    r.sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
    copy_winsize(master);
    make_raw(&r);
    reap(&r);
    loop(&r);
    if (r.master_open)
        drain(master);
    if (r.raw)
        tcsetattr(STDIN_FILENO, TCSANOW, &r.saved);
    if (r.sigfd >= 0)
        close(r.sigfd);
    return r.code;
}
