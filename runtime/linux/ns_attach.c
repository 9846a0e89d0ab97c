/* setns into an existing container's namespaces, user namespace first. */
#include "runtime/linux/ns_attach.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <linux/nsfs.h>

#include "common/xalloc.h"

static bool same_file(int fd, const char *path)
{
    struct stat a, b;
    return fstat(fd, &a) == 0 && stat(path, &b) == 0 && a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

int ns_attach_open(struct ns_attach *a, char *const paths[NS_KINDS], struct error **err)
{
    for (int k = 0; k < NS_KINDS; k++) {
        a->fd[k] = -1;
        a->path[k] = NULL;
    }
    for (int k = 0; k < NS_KINDS; k++) {
        if (paths[k] == NULL)
            continue;
        int fd = open(paths[k], O_RDONLY | O_CLOEXEC);
        if (fd < 0)
            return error_set(err, errno, "open %s namespace %s", ns_spec_name(k), paths[k]);
        char self[64];
        snprintf(self, sizeof(self), "/proc/self/ns/%s", ns_proc_name(k));
        if (same_file(fd, self)) {
            close(fd);
            continue;
        }
        a->fd[k] = fd;
        a->path[k] = xstrdup(paths[k]);
    }
    return 0;
}

void ns_attach_close(struct ns_attach *a)
{
    for (int k = 0; k < NS_KINDS; k++) {
        if (a->fd[k] >= 0)
            close(a->fd[k]);
        a->fd[k] = -1;
        free(a->path[k]);
        a->path[k] = NULL;
    }
}

int ns_attach_user_early(struct ns_attach *a, struct error **err)
{
    if (geteuid() == 0 || a->fd[NS_USER] < 0 || a->fd[NS_PID] < 0)
        return 0;
    if (setns(a->fd[NS_USER], CLONE_NEWUSER) < 0)
        return error_set(err, errno, "setns user namespace %s", a->path[NS_USER]);
    close(a->fd[NS_USER]);
    a->fd[NS_USER] = -1;
    return 0;
}

int ns_attach_pid_for_children(const struct ns_attach *a, struct error **err)
{
    if (a->fd[NS_PID] >= 0 && setns(a->fd[NS_PID], CLONE_NEWPID) < 0)
        return error_set(err, errno, "setns pid namespace %s", a->path[NS_PID]);
    return 0;
}

void ns_attach_reset_pid(const struct ns_attach *a)
{
    if (a->fd[NS_PID] < 0)
        return;
    int fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    if (fd >= 0) {
        setns(fd, CLONE_NEWPID);
        close(fd);
    }
}

static int join(const struct ns_attach *a, int k, struct error **err)
{
    if (a->fd[k] >= 0 && setns(a->fd[k], ns_clone_flag(k)) < 0)
        return error_set(err, errno, "setns %s namespace %s", ns_spec_name(k), a->path[k]);
    return 0;
}

/* Is namespace fd owned by the user namespace user_fd? */
static bool owned_by(int fd, int user_fd)
{
    int owner = ioctl(fd, NS_GET_USERNS);
    if (owner < 0)
        return true; /* cannot tell: join it after the user namespace, as runc */
    struct stat a, b;
    bool same = fstat(owner, &a) == 0 && fstat(user_fd, &b) == 0 && a.st_ino == b.st_ino && a.st_dev == b.st_dev;
    close(owner);
    return same;
}

int ns_attach_enter(const struct ns_attach *a, struct error **err)
{
    static const int order[] = { NS_IPC, NS_UTS, NS_NET, NS_MNT, NS_CGROUP };
    const size_t n = sizeof(order) / sizeof(order[0]);
    bool done[NS_KINDS] = { false };
    int user_fd = a->fd[NS_USER];
    for (size_t i = 0; i < n && user_fd >= 0; i++) {
        int k = order[i];
        if (a->fd[k] >= 0 && !owned_by(a->fd[k], user_fd)) {
            if (join(a, k, err) < 0)
                return -1;
            done[k] = true;
        }
    }
    if (join(a, NS_USER, err) < 0)
        return -1;
    for (size_t i = 0; i < n; i++)
        if (!done[order[i]] && join(a, order[i], err) < 0)
            return -1;
    return 0;
}
