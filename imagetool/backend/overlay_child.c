#include "imagetool/backend/overlay_child.h"

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
#include "imagetool/backend/overlay_context.h"

/* What the child makes; everything it needs is made before the fork (the
 * child of a threaded process must not malloc). */
struct job {
    char *const *lower; /* top first; NULL: the probe */
    const char *list;   /* the same as one "lowerdir" value */
    const int *attach;  /* detached layer mounts to attach first, or NULL */
    size_t n_attach;
    const char *upper, *work;
    bool user; /* an ordinary user's: own user namespace, userxattr */
};

static int write_proc_self(const char *name, const char *text)
{
    char path[64];
    snprintf(path, sizeof(path), "/proc/self/%s", name);
    CLEANUP_CLOSE int fd = open(path, O_WRONLY | O_CLOEXEC);
    return fd < 0 ? -1 : write_all(fd, text, strlen(text));
}

/* A user namespace where the caller is 0, and a mount namespace it owns
 * (fsopen asks for CAP_SYS_ADMIN over the latter). */
static int enter_user_namespaces(uid_t uid, gid_t gid)
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

/* root's: a mount namespace of the child's own, nothing propagating out */
static int enter_mount_namespace(void)
{
    if (unshare(CLONE_NEWNS) < 0)
        return -1;
    return mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
}

/* The child's scratch space: a tmpfs in its namespace alone, over /sys,
 * which the child needs not and no store or bundle is under (over /tmp it
 * would hide the layers of a store there). */
static int scratch(void)
{
    static int tmp = -1;
    if (tmp >= 0)
        return tmp;
    CLEANUP_CLOSE int fsfd = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fsfd < 0 || fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return -1;
    int fd = fsmount(fsfd, FSMOUNT_CLOEXEC, 0);
    if (fd < 0 || move_mount(fd, "", AT_FDCWD, "/sys", MOVE_MOUNT_F_EMPTY_PATH) < 0) {
        if (fd >= 0)
            close(fd);
        return -1;
    }
    return tmp = fd;
}

/* "lowerdir+" each (Linux 6.8+) */
static int overlay_new_api(const struct job *j, const char *upper, const char *work)
{
    struct overlay_params p = { .lower = j->lower, .upper = upper, .work = work, .userxattr = j->user };
    CLEANUP_CLOSE int fsfd = overlay_context_create(&p, NULL);
    if (fsfd < 0)
        return -1;
    return fsmount(fsfd, FSMOUNT_CLOEXEC, upper ? 0 : MOUNT_ATTR_RDONLY);
}

/* Older kernels: mount(2) with one page of options (fsconfig takes no
 * string over 256 bytes), on the scratch tmpfs, and a detached clone of it
 * for the parent. */
static int overlay_mount2(const struct job *j, const char *upper, const char *work)
{
    int tmp = scratch();
    if (tmp < 0 || (mkdirat(tmp, "overlay", 0700) < 0 && errno != EEXIST))
        return -1;
    char opts[4096], target[64];
    int n = snprintf(opts, sizeof(opts), "lowerdir=%s%s%s%s%s%s", j->list, upper ? ",upperdir=" : "",
                     upper ? upper : "", work ? ",workdir=" : "", work ? work : "", j->user ? ",userxattr" : "");
    if (n < 0 || (size_t)n >= sizeof(opts)) {
        errno = E2BIG;
        return -1;
    }
    snprintf(target, sizeof(target), "/proc/self/fd/%d/overlay", tmp);
    if (mount("overlay", target, "overlay", upper ? 0 : MS_RDONLY, opts) < 0)
        return -1;
    return open_tree(AT_FDCWD, target, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
}

static int overlay_fsmount(const struct job *j, const char *upper, const char *work)
{
    int fd = overlay_new_api(j, upper, work);
    return fd < 0 && errno == EINVAL ? overlay_mount2(j, upper, work) : fd;
}

/* Before Linux 6.x overlayfs clones only mounts of the caller's namespace:
 * the detached layer mounts go onto the scratch tmpfs (their /proc/self/fd
 * paths then resolve to mounts of the child's namespace). */
static int attach_layers(const int *fds, size_t n)
{
    int tmp = scratch();
    if (tmp < 0)
        return -1;
    for (size_t i = 0; i < n; i++) {
        char name[24];
        snprintf(name, sizeof(name), "%zu", i);
        if (mkdirat(tmp, name, 0700) < 0 || move_mount(fds[i], "", tmp, name, MOVE_MOUNT_F_EMPTY_PATH) < 0)
            return -1;
    }
    return 0;
}

/* Two empty lower dirs on the scratch tmpfs, for the probe. */
static int probe_fsmount(void)
{
    int tmp = scratch();
    if (tmp < 0 || mkdirat(tmp, "a", 0755) < 0 || mkdirat(tmp, "b", 0755) < 0)
        return -1;
    char a[64], b[64], list[130];
    snprintf(a, sizeof(a), "/proc/self/fd/%d/a", tmp);
    snprintf(b, sizeof(b), "/proc/self/fd/%d/b", tmp);
    snprintf(list, sizeof(list), "%s:%s", a, b);
    char *const lower[] = { a, b, NULL };
    struct job probe = { .lower = lower, .list = list, .user = true };
    return overlay_fsmount(&probe, NULL, NULL);
}

/* "/proc/self/fd/N" of dir opened in the child's namespace (the overlay
 * clones only its mounts), or "" for none. */
static int dir_in_child(const char *dir, char out[32])
{
    out[0] = '\0';
    if (dir == NULL)
        return 0;
    int fd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return -1;
    snprintf(out, 32, "/proc/self/fd/%d", fd);
    return 0;
}

static int child_mount(const struct job *j, uid_t uid, gid_t gid)
{
    char upper[32], work[32];
    if ((j->user ? enter_user_namespaces(uid, gid) : enter_mount_namespace()) < 0)
        return -1;
    if (j->lower == NULL)
        return probe_fsmount();
    if (dir_in_child(j->upper, upper) < 0 || dir_in_child(j->work, work) < 0)
        return -1;
    if (j->attach && attach_layers(j->attach, j->n_attach) < 0)
        return -1;
    return overlay_fsmount(j, upper[0] ? upper : NULL, work[0] ? work : NULL);
}

/* The child's whole life: the mount's fd to the parent, or its errno as
 * the exit status. */
static void __attribute__((noreturn)) child(int sock, const struct job *j, uid_t uid, gid_t gid)
{
    int fd = child_mount(j, uid, gid);
    if (fd < 0 || fd_pass_send(sock, "m", 1, fd) < 0)
        _exit(errno > 0 && errno < 256 ? errno : EIO);
    _exit(0);
}

/* Returns the mount fd, or -1 with errno (the child's). */
static int mount_in_child(const struct job *j)
{
    int sv[2];
    if (socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, sv) < 0)
        return -1;
    uid_t uid = geteuid();
    gid_t gid = getegid();
    pid_t pid = fork();
    if (pid == 0) {
        close(sv[0]);
        child(sv[1], j, uid, gid);
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

int overlay_child_user_view(char *const *lower, struct error **err)
{
    CLEANUP_FREE char *list = overlay_lower_list(lower);
    struct job j = { .lower = lower, .list = list, .user = true };
    int fd = mount_in_child(&j);
    if (fd < 0)
        return error_set(err, errno, "overlay of %zu layers in a user namespace", strv_len((char **)lower));
    return fd;
}

bool overlay_child_user_available(void)
{
    static int known = -1;
    if (known < 0) {
        struct job probe = { .user = true };
        int fd = mount_in_child(&probe);
        known = fd >= 0;
        if (fd >= 0)
            close(fd);
    }
    return known;
}

static bool detached_refused; /* this kernel's overlay refused detached lowers */

bool overlay_child_needed(void)
{
    return __atomic_load_n(&detached_refused, __ATOMIC_RELAXED);
}

int overlay_child_attached(const struct overlay_params *p, const int *layer_fds, size_t n, const char *what,
                           struct error **err)
{
    CLEANUP_FREE char *list = overlay_lower_list(p->lower);
    struct job j = { .lower = p->lower, .list = list, .attach = layer_fds, .n_attach = n, .upper = p->upper,
                     .work = p->work };
    int fd = mount_in_child(&j);
    if (fd < 0)
        return error_set(err, errno, "%s (layers attached in a mount namespace of a child's own)", what);
    __atomic_store_n(&detached_refused, true, __ATOMIC_RELAXED);
    return fd;
}
