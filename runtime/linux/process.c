/* process.*: user, rlimits, cwd, umask, environment and exec of the
 * container's process. */
#include "runtime/rootless.h"
#include "runtime/linux/process.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/close_range.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/fs.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "runtime/linux/ids.h"

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

/* uid, gid and every additional gid in 0..2^31-1; at most NGROUPS_MAX
 * additional gids (what setgroups takes). */
static int user_validate(const struct spec_user *u, struct error **err)
{
    if (id_check(u->uid, "process.user.uid", err) < 0 || id_check(u->gid, "process.user.gid", err) < 0)
        return -1;
    if (u->n_additional_gids > NGROUPS_MAX)
        return error_setc(err, EXIT_INVALID, 0, "process.user.additionalGids: %zu entries, at most %d",
                          u->n_additional_gids, NGROUPS_MAX);
    for (size_t i = 0; i < u->n_additional_gids; i++) {
        char what[64];
        snprintf(what, sizeof(what), "process.user.additionalGids[%zu]", i);
        if (id_check(u->additional_gids[i], what, err) < 0)
            return -1;
    }
    return 0;
}

int process_validate(const struct spec_process *p, struct error **err)
{
    if (p == NULL)
        return error_setc(err, EXIT_INVALID, 0, "process: missing");
    if (p->args == NULL || p->args[0] == NULL || p->args[0][0] == '\0')
        return error_setc(err, EXIT_INVALID, 0, "process.args: must hold at least the program");
    if (p->cwd == NULL || p->cwd[0] != '/')
        return error_setc(err, EXIT_INVALID, 0, "process.cwd: must be an absolute path, got '%s'",
                          p->cwd ? p->cwd : "");
    if (path_via_proc_fd(p->cwd))
        return error_setc(err, EXIT_PERM, 0, "process.cwd: %s goes through a process's fds in /proc: refused", p->cwd);
    if (path_via_proc_fd(p->args[0]))
        return error_setc(err, EXIT_PERM, 0, "process.args[0]: %s goes through a process's fds in /proc: refused", p->args[0]);
    if (user_validate(&p->user, err) < 0)
        return -1;
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
    /* On the heap: up to NGROUPS_MAX (65536) entries, checked in the parent. */
    CLEANUP_FREE gid_t *gids = xcalloc(u->n_additional_gids + 1, sizeof(gid_t));
    for (size_t i = 0; i < u->n_additional_gids; i++)
        gids[i] = u->additional_gids[i];
    /* A user's direct gid map denies setgroups: the groups it holds are the
     * only ones, and additional gids cannot be set (runc and crun skip them). */
    bool denied = rootless_setgroups_denied();
    if (denied && u->n_additional_gids > 0)
        log_warn("process.user.additionalGids: setgroups is denied in this user namespace "
                 "(a gid map without newgidmap): %zu additional group(s) not set",
                 u->n_additional_gids);
    if (!denied && setgroups(u->n_additional_gids, gids) < 0)
        return error_set(err, errno, "process.user.additionalGids: setgroups");
    if (setresgid(u->gid, u->gid, u->gid) < 0)
        return error_set(err, errno, "process.user.gid: setresgid %u", u->gid);
    if (setresuid(u->uid, u->uid, u->uid) < 0)
        return error_set(err, errno, "process.user.uid: setresuid %u", u->uid);
    if (prctl(PR_SET_KEEPCAPS, 0, 0, 0, 0) < 0)
        return error_set(err, errno, "prctl(PR_SET_KEEPCAPS)");
    return 0;
}

int process_make_cwd(const struct spec_process *p, struct error **err)
{
    if (p->cwd == NULL || access(p->cwd, F_OK) == 0 || errno != ENOENT)
        return 0; /* chdir reports any other trouble */
    if (mkdir_p(p->cwd, 0755, err) < 0)
        return error_prefix(err, "process.cwd");
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
        /* The words runc uses and clients match on: podman maps "no such
         * file or directory" to exit 127 and "permission denied" to 126. */
        if (!is_executable(prog))
            return error_setc(err, EXIT_NOTFOUND, 0, "process.args[0]: exec %s: %s", prog,
                              access(prog, F_OK) == 0 ? "permission denied (not an executable file)"
                                                      : "no such file or directory");
        *out = xstrdup(prog);
        return 0;
    }
    const char *path = env_get(p->env, "PATH");
    CLEANUP_FREE char *dirs = xstrdup(path ? path : "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin");
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        if (path_via_proc_fd(d))
            continue; /* a $PATH entry through /proc/self/fd/N is never searched */
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

static int cmp_int(const void *a, const void *b)
{
    return *(const int *)a - *(const int *)b;
}

int process_close_host_fds(int preserve_fds, const int *keep, size_t n, struct error **err)
{
    int sorted[16];
    if (n > sizeof(sorted) / sizeof(sorted[0]))
        return error_setc(err, EXIT_FAIL, 0, "close host fds: too many to keep");
    memcpy(sorted, keep, n * sizeof(int));
    qsort(sorted, n, sizeof(int), cmp_int);
    unsigned first = 3 + (unsigned)preserve_fds;
    for (size_t i = 0; i < n; i++) {
        if (sorted[i] < 0 || (unsigned)sorted[i] < first)
            continue;
        if ((unsigned)sorted[i] > first && close_range(first, (unsigned)sorted[i] - 1, 0) < 0)
            return error_set(err, errno, "close_range");
        first = (unsigned)sorted[i] + 1;
    }
    if (close_range(first, ~0U, 0) < 0)
        return error_set(err, errno, "close_range");
    return 0;
}

/* "/proc/<anything>/{fd,fdinfo,cwd,root,exe,map_files}" and "/dev/fd",
 * after squeezing repeated slashes and "." components. */
bool path_via_proc_fd(const char *path)
{
    char norm[4096];
    size_t n = 0;
    for (const char *c = path; *c && n < sizeof(norm) - 2;) {
        while (*c == '/')
            c++;
        size_t len = strcspn(c, "/");
        if (len == 0)
            break;
        if (!(len == 1 && c[0] == '.')) {
            norm[n++] = '/';
            size_t take = len < sizeof(norm) - 2 - n ? len : sizeof(norm) - 2 - n;
            memcpy(norm + n, c, take);
            n += take;
        }
        c += len;
    }
    norm[n] = '\0';
    static const char *const leaves[] = { "fd", "fdinfo", "cwd", "root", "exe", "map_files" };
    if (strncmp(norm, "/dev/fd", 7) == 0 && (norm[7] == '/' || norm[7] == '\0'))
        return true;
    if (strncmp(norm, "/proc/", 6) != 0)
        return false;
    const char *leaf = strchr(norm + 6, '/');
    if (leaf == NULL)
        return false;
    leaf++;
    for (size_t i = 0; i < sizeof(leaves) / sizeof(leaves[0]); i++) {
        size_t l = strlen(leaves[i]);
        if (strncmp(leaf, leaves[i], l) == 0 && (leaf[l] == '/' || leaf[l] == '\0'))
            return true;
    }
    return false;
}

int process_close_fds(int preserve_fds, struct error **err)
{
    for (int fd = 3; fd < 3 + preserve_fds; fd++)
        if (fcntl(fd, F_SETFD, 0) < 0 && errno != EBADF) /* a closed one is skipped, as crun */
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
