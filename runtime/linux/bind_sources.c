#include "runtime/linux/bind_sources.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/linux/mounts.h"
#include "runtime/linux/sync.h"

static bool wants_source(const struct spec_mount *m)
{
    struct mount_flags f;
    bool bind;
    CLEANUP_ERROR struct error *ignored = NULL;
    if (m->source == NULL || m->source[0] != '/' || mount_entry_parse(m, &f, &bind, &ignored) < 0)
        return false;
    bool want = bind && !f.copy_symlink;
    mount_flags_release(&f);
    return want;
}

static bool any_wanted(const struct spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (wants_source(&s->mounts[i]))
            return true;
    return false;
}

/* Exits with the errno of a failed setns. */
__attribute__((noreturn)) static void open_and_send(int nsfd, const struct spec *s, int sync_fd)
{
    if (setns(nsfd, CLONE_NEWNS) < 0)
        _exit(errno & 0xff ? errno & 0xff : 1);
    for (size_t i = 0; i < s->n_mounts; i++) {
        if (!wants_source(&s->mounts[i]))
            continue;
        int fd = open(s->mounts[i].source, O_PATH | O_CLOEXEC);
        /* what root could not open either: the init says why, with root's errno */
        struct sync_msg failed = { .type = SYNC_MOUNT_SOURCE, .value = (int)i, .errnum = errno };
        if ((fd >= 0 ? sync_send_fd(sync_fd, SYNC_MOUNT_SOURCE, (int)i, fd) : sync_send_msg(sync_fd, &failed)) < 0)
            _exit(1);
        if (fd >= 0)
            close(fd);
    }
    _exit(0);
}

int bind_sources_send(pid_t init_pid, const struct spec *s, int sync_fd, struct error **err)
{
    if (!any_wanted(s))
        return 0;
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/ns/mnt", (int)init_pid);
    CLEANUP_CLOSE int nsfd = open(path, O_RDONLY | O_CLOEXEC);
    if (nsfd < 0)
        return error_set(err, errno, "open %s", path);
    pid_t pid = fork();
    if (pid < 0)
        return error_set(err, errno, "fork to open the bind mount sources");
    if (pid == 0)
        open_and_send(nsfd, s, sync_fd);
    int status;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    /* refused (a runtime confined by another container's seccomp, say):
     * the init opens each source itself, as before */
    if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
        log_debug("bind mount sources: the helper in the init's mount namespace failed (%s); the init opens them",
                  WIFEXITED(status) ? strerror(WEXITSTATUS(status)) : "killed");
    return 0;
}

/* per mount: an fd, -1 (nothing came) or -errno (root's open failed) */
static int *kept;
static size_t n_kept;

void bind_sources_keep(const struct spec *s, int index, int fd, int errnum)
{
    if (kept == NULL) {
        n_kept = s->n_mounts;
        kept = malloc(n_kept * sizeof(*kept));
        for (size_t i = 0; kept && i < n_kept; i++)
            kept[i] = -1;
    }
    if (kept == NULL || index < 0 || (size_t)index >= n_kept || kept[index] != -1) {
        if (fd >= 0)
            close(fd);
        return;
    }
    kept[index] = fd >= 0 ? fd : -(errnum > 0 ? errnum : EIO);
}

int bind_source_take(const struct spec *s, const struct spec_mount *m)
{
    if (kept == NULL || m < s->mounts || m >= s->mounts + n_kept)
        return -1;
    int v = kept[m - s->mounts];
    kept[m - s->mounts] = -1;
    if (v >= 0 || v == -1)
        return v;
    errno = -v;
    return -2;
}

void bind_sources_close(void)
{
    for (size_t i = 0; kept && i < n_kept; i++)
        if (kept[i] >= 0)
            close(kept[i]);
    free(kept);
    kept = NULL;
    n_kept = 0;
}
