/* Signal names and forwarding. */
#include "runtime/signals.h"

#include <ctype.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>

static const struct {
    const char *name;
    int sig;
} names[] = {
    { "HUP", SIGHUP },     { "INT", SIGINT },       { "QUIT", SIGQUIT },   { "ILL", SIGILL },
    { "TRAP", SIGTRAP },   { "ABRT", SIGABRT },     { "IOT", SIGIOT },     { "BUS", SIGBUS },
    { "FPE", SIGFPE },     { "KILL", SIGKILL },     { "USR1", SIGUSR1 },   { "SEGV", SIGSEGV },
    { "USR2", SIGUSR2 },   { "PIPE", SIGPIPE },     { "ALRM", SIGALRM },   { "TERM", SIGTERM },
    { "STKFLT", SIGSTKFLT }, { "CHLD", SIGCHLD },   { "CONT", SIGCONT },   { "STOP", SIGSTOP },
    { "TSTP", SIGTSTP },   { "TTIN", SIGTTIN },     { "TTOU", SIGTTOU },   { "URG", SIGURG },
    { "XCPU", SIGXCPU },   { "XFSZ", SIGXFSZ },     { "VTALRM", SIGVTALRM }, { "PROF", SIGPROF },
    { "WINCH", SIGWINCH }, { "IO", SIGIO },         { "POLL", SIGPOLL },   { "PWR", SIGPWR },
    { "SYS", SIGSYS },
};

int signal_parse(const char *s, int *sig, struct error **err)
{
    if (isdigit((unsigned char)*s)) {
        char *end;
        long n = strtol(s, &end, 10);
        if (*end == '\0' && n > 0 && n < NSIG) {
            *sig = (int)n;
            return 0;
        }
    } else {
        const char *name = strncasecmp(s, "SIG", 3) == 0 ? s + 3 : s;
        for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
            if (strcasecmp(names[i].name, name) == 0) {
                *sig = names[i].sig;
                return 0;
            }
        }
        if (strncasecmp(name, "RTMIN+", 6) == 0 && isdigit((unsigned char)name[6])) {
            int n = SIGRTMIN + atoi(name + 6);
            if (n <= SIGRTMAX) {
                *sig = n;
                return 0;
            }
        }
    }
    return error_setc(err, EXIT_USAGE, 0, "invalid signal '%s'", s);
}

static void async_signals(sigset_t *set)
{
    sigfillset(set);
    /* Faults are about this process, not the container. */
    static const int sync[] = { SIGSEGV, SIGBUS, SIGFPE, SIGILL, SIGTRAP, SIGSYS, SIGABRT };
    for (size_t i = 0; i < sizeof(sync) / sizeof(sync[0]); i++)
        sigdelset(set, sync[i]);
}

void signals_block_all(sigset_t *old)
{
    sigset_t set;
    async_signals(&set);
    sigprocmask(SIG_BLOCK, &set, old);
}

static int reap(pid_t pid, int *code)
{
    int status;
    pid_t r;
    while ((r = waitpid(pid, &status, WNOHANG)) < 0 && errno == EINTR)
        ;
    if (r < 0) {
        *code = 1;
        return 1;
    }
    if (r == 0)
        return 0;
    *code = WIFSIGNALED(status) ? 128 + WTERMSIG(status) : WEXITSTATUS(status);
    return 1;
}

int signals_forward_until_exit(pid_t pid)
{
    sigset_t set;
    async_signals(&set);
    int code;
    for (;;) {
        if (reap(pid, &code))
            return code;
        siginfo_t info;
        int sig = sigwaitinfo(&set, &info);
        if (sig < 0 || sig == SIGCHLD)
            continue;
        kill(pid, sig);
    }
}
