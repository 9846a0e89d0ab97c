/* process.*: user, rlimits, cwd, umask, environment and exec of the
 * container's process. */
#include "runtime/linux/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/strv.h"
#include "common/xalloc.h"

static const struct {
    const char *name;
    int resource;
} rlimits[] = {
    { "RLIMIT_AS", RLIMIT_AS },         { "RLIMIT_CORE", RLIMIT_CORE },
    { "RLIMIT_CPU", RLIMIT_CPU },       { "RLIMIT_DATA", RLIMIT_DATA },
    { "RLIMIT_FSIZE", RLIMIT_FSIZE },   { "RLIMIT_LOCKS", RLIMIT_LOCKS },
    { "RLIMIT_MEMLOCK", RLIMIT_MEMLOCK }, { "RLIMIT_MSGQUEUE", RLIMIT_MSGQUEUE },
    { "RLIMIT_NICE", RLIMIT_NICE },     { "RLIMIT_NOFILE", RLIMIT_NOFILE },
    { "RLIMIT_NPROC", RLIMIT_NPROC },   { "RLIMIT_RSS", RLIMIT_RSS },
    { "RLIMIT_RTPRIO", RLIMIT_RTPRIO }, { "RLIMIT_RTTIME", RLIMIT_RTTIME },
    { "RLIMIT_SIGPENDING", RLIMIT_SIGPENDING }, { "RLIMIT_STACK", RLIMIT_STACK },
};

int rlimit_from_name(const char *name)
{
    for (size_t i = 0; i < sizeof(rlimits) / sizeof(rlimits[0]); i++)
        if (strcmp(rlimits[i].name, name) == 0)
            return rlimits[i].resource;
    return -1;
}

int process_validate(const struct spec_process *p, struct error **err)
{
    if (p == NULL)
        return error_setc(err, EXIT_INVALID, 0, "process: missing");
    if (p->terminal)
        return error_setc(err, EXIT_INVALID, 0,
                          "process.terminal: a terminal (and --console-socket) is not supported yet");
    if (p->args == NULL || p->args[0] == NULL || p->args[0][0] == '\0')
        return error_setc(err, EXIT_INVALID, 0, "process.args: must hold at least the program");
    if (p->cwd == NULL || p->cwd[0] != '/')
        return error_setc(err, EXIT_INVALID, 0, "process.cwd: must be an absolute path, got '%s'",
                          p->cwd ? p->cwd : "");
    for (size_t i = 0; i < p->n_rlimits; i++) {
        const struct spec_rlimit *r = &p->rlimits[i];
        if (rlimit_from_name(r->type ? r->type : "") < 0)
            return error_setc(err, EXIT_INVALID, 0, "process.rlimits[%zu].type: unknown rlimit '%s'",
                              i, r->type ? r->type : "");
        if (r->soft > r->hard)
            return error_setc(err, EXIT_INVALID, 0, "process.rlimits[%zu]: soft %llu above hard %llu",
                              i, (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
    return 0;
}

int process_set_hostname(const struct spec *s, struct error **err)
{
    if (s->hostname && sethostname(s->hostname, strlen(s->hostname)) < 0)
        return error_set(err, errno, "set hostname '%s'", s->hostname);
    if (s->domainname && setdomainname(s->domainname, strlen(s->domainname)) < 0)
        return error_set(err, errno, "set domainname '%s'", s->domainname);
    return 0;
}

int process_set_rlimits(const struct spec_process *p, struct error **err)
{
    for (size_t i = 0; i < p->n_rlimits; i++) {
        const struct spec_rlimit *r = &p->rlimits[i];
        struct rlimit rl = { .rlim_cur = r->soft, .rlim_max = r->hard };
        if (setrlimit(rlimit_from_name(r->type), &rl) < 0)
            return error_set(err, errno, "process.rlimits: set %s to soft %llu hard %llu", r->type,
                             (unsigned long long)r->soft, (unsigned long long)r->hard);
    }
    return 0;
}

int process_switch_user(const struct spec_user *u, struct error **err)
{
    if (prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
    gid_t gids[u->n_additional_gids + 1];
    for (size_t i = 0; i < u->n_additional_gids; i++)
        gids[i] = u->additional_gids[i];
    if (setgroups(u->n_additional_gids, gids) < 0)
        return error_set(err, errno, "process.user.additionalGids: setgroups");
    if (setresgid(u->gid, u->gid, u->gid) < 0)
        return error_set(err, errno, "process.user.gid: setresgid %u", u->gid);
    if (setresuid(u->uid, u->uid, u->uid) < 0)
        return error_set(err, errno, "process.user.uid: setresuid %u", u->uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
    return 0;
}

int process_chdir_umask(const struct spec_process *p, struct error **err)
{
    if (chdir(p->cwd) < 0)
        return error_set(err, errno, "process.cwd: chdir %s", p->cwd);
    umask(p->user.has_umask ? p->user.umask : 0022);
    return 0;
}

static const char *env_get(char *const *env, const char *name)
{
    size_t n = strlen(name);
    for (size_t i = 0; env && env[i]; i++)
        if (strncmp(env[i], name, n) == 0 && env[i][n] == '=')
            return env[i] + n + 1;
    return NULL;
}

static bool is_executable(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode) && access(path, X_OK) == 0;
}

static int resolve_path(const struct spec_process *p, char **out, struct error **err)
{
    const char *prog = p->args[0];
    if (strchr(prog, '/')) {
        if (!is_executable(prog))
            return error_setc(err, EXIT_NOTFOUND, 0, "process.args[0]: exec %s: %s", prog,
                              access(prog, F_OK) == 0 ? "not an executable file" : "no such file");
        *out = xstrdup(prog);
        return 0;
    }
    const char *path = env_get(p->env, "PATH");
    CLEANUP_FREE char *dirs = xstrdup(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        CLEANUP_FREE char *cand = path_join(*d ? d : ".", prog);
        if (is_executable(cand)) {
            *out = TAKE_PTR(cand);
            return 0;
        }
    }
    return error_setc(err, EXIT_NOTFOUND, 0, "process.args[0]: exec %s: executable file not found in $PATH", prog);
}

/* HOME from the container's /etc/passwd, as runc does when env lacks it. */
static char *home_of(uid_t uid)
{
    CLEANUP_FREE char *text = NULL;
    if (read_file("/etc/passwd", &text, NULL, NULL) < 0)
        return xstrdup("/");
    char *save = NULL;
    for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        char *f[7] = { 0 };
        int n = 0;
        for (char *c = line; n < 7 && c; n++) {
            f[n] = c;
            c = strchr(c, ':');
            if (c)
                *c++ = '\0';
        }
        if (n == 7 && f[2] && (uid_t)strtoul(f[2], NULL, 10) == uid && *f[2])
            return xstrdup(f[5]);
    }
    return xstrdup("/");
}

int process_prepare_exec(const struct spec_process *p, struct exec_plan *x, struct error **err)
{
    if (resolve_path(p, &x->path, err) < 0)
        return -1;
    size_t n = strv_len(p->env);
    x->env = xcalloc(n + 2, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        x->env[i] = xstrdup(p->env[i]);
    if (env_get(p->env, "HOME") == NULL) {
        CLEANUP_FREE char *home = home_of(p->user.uid);
        x->env[n] = xasprintf("HOME=%s", home);
    }
    return 0;
}

int process_close_fds(int preserve_fds, struct error **err)
{
    for (int fd = 3; fd < 3 + preserve_fds; fd++)
        if (fcntl(fd, F_SETFD, 0) < 0)
            return error_set(err, errno, "--preserve-fds: fd %d", fd);
    if (close_range(3 + preserve_fds, ~0U, CLOSE_RANGE_CLOEXEC) < 0)
        return error_set(err, errno, "close_range");
    return 0;
}

int process_exec(const struct spec_process *p, const struct exec_plan *x, struct error **err)
{
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, NULL);
    execve(x->path, p->args, x->env);
    return error_set(err, errno, "exec %s", x->path);
}
