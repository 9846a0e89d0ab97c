#include "imagetool/backend/userns_overlay.h"

#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fd_pass.h"
#include "common/fs.h"
#include "common/strv.h"
#include "common/xalloc.h"

static int write_proc_self(const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/%s", name);
    CLEANUP_CLOSE int fd = open(path, O_WRONLY | O_CLOEXEC);
    return fd < 0 ? -1 : write_all(fd, text, strlen(text));
}

/* In the child: a user namespace where the caller is 0, and a mount
 * namespace it owns (fsopen asks for CAP_SYS_ADMIN over the latter). */
static int enter_own_namespaces(uid_t uid, gid_t gid)
{
    char map[64];
    if (unshare(CLONE_NEWUSER | CLONE_NEWNS) < 0)
        return -1;
    snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)uid);
    if (write_proc_self("uid_map", map) < 0 || write_proc_self("setgroups", "deny") < 0)
        return -1;
    snprintf(map, sizeof(map), "0 %u 1\n", (unsigned)gid);
    return write_proc_self("gid_map", map);
}

/* joined: the same dirs as one "lowerdir" value, for kernels before 6.8
 * (made before the fork: the child of a threaded process must not malloc) */
static int overlay_fsmount(char *const *lower, const char *joined)
{
    CLEANUP_CLOSE int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return -1;
    for (char *const *l = lower; *l; l++) {
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) == 0)
            continue;
        if (errno != EINVAL || l != lower || fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir", joined, 0) < 0)
            return -1;
        break;
    }
    if (fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0) < 0 ||
        fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    return fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
}

/* Two empty lower dirs on a detached tmpfs, for the probe. */
static int probe_fsmount(void)
{
    CLEANUP_CLOSE int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fsfd < 0 || fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    CLEANUP_CLOSE int tmp = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
    if (tmp < 0 || mkdirat(tmp, "a", 0755) < 0 || mkdirat(tmp, "b", 0755) < 0)
        return -1;
    char a[64], b[64];
    snprintf(a, sizeof(a), "/proc/self/fd/%d/a", tmp);
    snprintf(b, sizeof(b), "/proc/self/fd/%d/b", tmp);
    char joined[130];
    snprintf(joined, sizeof(joined), "%s:%s", a, b);
    char *const lower[] = { a, b, NULL };
    return overlay_fsmount(lower, joined);
}

/* The child's whole life: the mount's fd to the parent, or its errno as
 * the exit status. */
static void __attribute__((noreturn)) child(int sock, char *const *lower, const char *joined, uid_t uid, gid_t gid)
{
    int fd = enter_own_namespaces(uid, gid) < 0 ? -1 : lower ? overlay_fsmount(lower, joined) : probe_fsmount();
    if (fd < 0 || fd_pass_send(sock, "m", 1, fd) < 0)
        _exit(errno > 0 && errno < 256 ? errno : EIO);
    _exit(0);
}

/* Returns the mount fd, or -1 with errno (the child's). */
static int mount_in_child(char *const *lower)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    uid_t uid = geteuid();
    gid_t gid = getegid();
    CLEANUP_FREE char *joined = lower ? strv_join(lower, ":") : NULL;
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        child(sv[1], lower, joined, uid, gid);
    }
    close(sv[1]);
    int fd = -1, saved = errno;
    char byte;
    if (pid > 0 && fd_pass_recv(sv[0], &byte, 1, &fd) < 0)
        fd = -1;
    close(sv[0]);
    int status = 0;
    while (pid > 0 && waitpid(pid, &status, 0) < 0 && errno == EINTR)
        ;
    if (pid < 0)
        return -1;
    if (fd < 0)
        errno = WIFEXITED(status) && WEXITSTATUS(status) ? WEXITSTATUS(status) : saved ? saved : EIO;
    return fd;
}

int userns_overlay_view(char *const *lower, struct error **err)
{
    int fd = mount_in_child(lower);
    if (fd < 0)
        return error_set(err, errno, "overlay of %zu layers in a user namespace", strv_len((char **)lower));
    return fd;
}

bool userns_overlay_available(void)
{
    static int known = -1;
    if (known < 0) {
        int fd = mount_in_child(NULL);
        known = fd >= 0;
        if (fd >= 0)
            close(fd);
    }
    return known;
}
