#include "fs.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cleanup.h"
#include "common/xalloc.h"

int read_all_fd(int fd, char **out, size_t *len, struct error **err)
{
    size_t cap = 4096, n = 0;
    CLEANUP_FREE char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap)
            buf = xrealloc(buf, cap *= 2);
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return error_set(err, errno, "read");
        if (r == 0)
            break;
        n += (size_t)r;
    }
    buf[n] = '\0';
    if (len)
        *len = n;
    *out = TAKE_PTR(buf);
    return 0;
}

int read_file(const char *path, char **out, size_t *len, struct error **err)
{
    CLEANUP_CLOSE int fd = open(path, O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    if (read_all_fd(fd, out, len, err) < 0)
        return error_prefix(err, "%s", path);
    return 0;
}

int write_all(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t w = write(fd, p, len);
        if (w < 0 && errno == EINTR)
            continue;
        if (w < 0)
            return -1;
        p += w;
        len -= (size_t)w;
    }
    return 0;
}

static void fsync_parent(const char *path)
{
    CLEANUP_FREE char *dir = xstrdup(path);
    char *slash = strrchr(dir, '/');
    if (slash == NULL)
        strcpy(dir, ".");
    else if (slash == dir)
        dir[1] = '\0';
    else
        *slash = '\0';
    int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0) {
        fsync(fd);
        close(fd);
    }
}

static int write_replace(const char *path, const void *buf, size_t len, mode_t mode, bool durable,
                         struct error **err)
{
    /* mkostemp: a random name, O_CREAT|O_EXCL (never an existing file or a
     * symlink planted at the name); O_NOFOLLOW says so once more. */
    CLEANUP_FREE char *tmp = xasprintf("%s.tmp-XXXXXX", path);
    CLEANUP_CLOSE int fd = mkostemp(tmp, O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return error_set(err, errno, "create %s", tmp);
    if (write_all(fd, buf, len) < 0 || fchmod(fd, mode) < 0 || (durable && fsync(fd) < 0)) {
        int e = errno;
        unlink(tmp);
        return error_set(err, e, "write %s", tmp);
    }
    if (rename(tmp, path) < 0) {
        int e = errno;
        unlink(tmp);
        return error_set(err, e, "rename %s to %s", tmp, path);
    }
    if (durable)
        fsync_parent(path);
    return 0;
}

int write_file_atomic(const char *path, const void *buf, size_t len, mode_t mode, struct error **err)
{
    return write_replace(path, buf, len, mode, true, err);
}

int write_file_atomic_unsynced(const char *path, const void *buf, size_t len, mode_t mode, struct error **err)
{
    return write_replace(path, buf, len, mode, false, err);
}

/* Files first: their writeback starts before the first fsync, so that the
 * journal commit it forces carries every file's new blocks at once. */
int fsync_batch(const char *const *paths, size_t n, struct error **err)
{
    int *fd = xcalloc(n, sizeof(int));
    size_t opened = 0;
    int ret = 0;
    for (; opened < n; opened++) {
        fd[opened] = open(paths[opened], O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
        if (fd[opened] < 0) {
            ret = error_set(err, errno, "open %s", paths[opened]);
            break;
        }
        (void)sync_file_range(fd[opened], 0, 0, SYNC_FILE_RANGE_WRITE);
    }
    for (size_t i = 0; i < opened && ret == 0; i++)
        if (fsync(fd[i]) < 0)
            ret = error_set(err, errno, "fsync %s", paths[i]);
    for (size_t i = 0; i < opened; i++)
        close(fd[i]);
    free(fd);
    return ret;
}

int mkdir_p(const char *path, mode_t mode, struct error **err)
{
    struct stat st;
    if (stat(path, &st) == 0 && S_ISDIR(st.st_mode))
        return 0; /* the common case in one call, not one mkdir per component */
    CLEANUP_FREE char *p = xstrdup(path);
    for (char *s = p + 1; ; s++) {
        if (*s != '/' && *s != '\0')
            continue;
        char saved = *s;
        *s = '\0';
        if (mkdir(p, mode) < 0 && errno != EEXIST)
            return error_set(err, errno, "mkdir %s", p);
        *s = saved;
        if (saved == '\0')
            break;
    }
    if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
        return error_set(err, ENOTDIR, "mkdir %s", path);
    return 0;
}

/* Not root, a directory of ours that shuts us out (an image's 0555 /proc
 * unpacked by a user) is opened to us first: it is going anyway. */
static void open_own_dir(int dirfd, const char *name, const struct stat *st)
{
    if (geteuid() != 0 && st->st_uid == geteuid() && (st->st_mode & 0700) != 0700)
        (void)fchmodat(dirfd, name, (st->st_mode & 07777) | 0700, 0);
}

static int rm_rf_children(int dfd, dev_t dev, struct error **err)
{
    DIR *d = fdopendir(dfd);
    if (d == NULL) {
        close(dfd);
        return error_set(err, errno, "fdopendir");
    }
    CLEANUP_CLOSEDIR DIR *dir = d;
    struct dirent *de;
    while ((de = readdir(dir)) != NULL) {
        if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(dirfd(dir), de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0) {
            if (errno == ENOENT)
                continue;
            return error_set(err, errno, "stat %s", de->d_name);
        }
        if (S_ISDIR(st.st_mode)) {
            if (st.st_dev != dev)
                return error_set(err, EXDEV, "%s is a mount point", de->d_name);
            open_own_dir(dirfd(dir), de->d_name, &st);
            int child = openat(dirfd(dir), de->d_name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
            if (child < 0)
                return error_set(err, errno, "open %s", de->d_name);
            if (rm_rf_children(child, dev, err) < 0)
                return error_prefix(err, "%s", de->d_name);
        }
        if (unlinkat(dirfd(dir), de->d_name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
            return error_set(err, errno, "remove %s", de->d_name);
    }
    return 0;
}

int rm_rf_at(int dirfd, const char *name, struct error **err)
{
    struct stat st;
    if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
        return errno == ENOENT ? 0 : error_set(err, errno, "stat %s", name);
    if (S_ISDIR(st.st_mode)) {
        open_own_dir(dirfd, name, &st);
        int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (fd < 0)
            return error_set(err, errno, "open %s", name);
        if (rm_rf_children(fd, st.st_dev, err) < 0)
            return error_prefix(err, "remove %s", name);
    }
    if (unlinkat(dirfd, name, S_ISDIR(st.st_mode) ? AT_REMOVEDIR : 0) < 0 && errno != ENOENT)
        return error_set(err, errno, "remove %s", name);
    return 0;
}

int rm_rf(const char *path, struct error **err)
{
    return rm_rf_at(AT_FDCWD, path, err);
}

bool path_exists(const char *path)
{
    struct stat st;
    return lstat(path, &st) == 0;
}

char *path_join(const char *a, const char *b)
{
    size_t la = strlen(a);
    while (la > 0 && a[la - 1] == '/')
        la--;
    while (*b == '/')
        b++;
    return xasprintf("%.*s/%s", (int)la, a, b);
}

/* Without openat2 (old kernels, valgrind): resolve component by component
 * in user space with the same rules. Racy against a concurrent symlink swap,
 * which is why openat2 comes first. */
static int open_in_root_walk(int rootfd, const char *path, int flags, mode_t mode)
{
    CLEANUP_FREE char *resolved = xstrdup("");
    CLEANUP_FREE char *rest = xstrdup(path);
    int links = 0;
    for (;;) {
        char *r = rest;
        while (*r == '/')
            r++;
        if (*r == '\0')
            break;
        char *slash = strchr(r, '/');
        CLEANUP_FREE char *part = slash ? xstrndup(r, (size_t)(slash - r)) : xstrdup(r);
        char *remaining = xstrdup(slash ? slash : "");
        free(rest);
        rest = remaining;
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            char *last = strrchr(resolved, '/');
            *(last ? last : resolved) = '\0';
            continue;
        }
        char *next = xasprintf("%s/%s", resolved, part);
        char target[4096];
        ssize_t n = readlinkat(rootfd, next + 1, target, sizeof(target) - 1);
        if (n < 0) {
            free(resolved);
            resolved = next;
            continue;
        }
        free(next);
        if (++links > 40) {
            errno = ELOOP;
            return -1;
        }
        target[n] = '\0';
        if (target[0] == '/')
            resolved[0] = '\0';
        char *joined = xasprintf("%s/%s", target, rest);
        free(rest);
        rest = joined;
    }
    return openat(rootfd, resolved[0] ? resolved + 1 : ".", flags | O_CLOEXEC | O_NOFOLLOW, mode);
}

int open_in_root(int rootfd, const char *path, int flags, mode_t mode)
{
    struct open_how how = {
        .flags = (uint64_t)flags | O_CLOEXEC,
        .mode = (flags & (O_CREAT | O_TMPFILE)) ? mode : 0,
        .resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS,
    };
    while (*path == '/')
        path++;
    if (*path == '\0')
        path = ".";
    long fd;
    do
        fd = syscall(SYS_openat2, rootfd, path, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
    if (fd < 0 && errno == ENOSYS)
        return open_in_root_walk(rootfd, path, flags, mode);
    return (int)fd;
}

/* Without openat2: no ".." or absolute path at all, then one openat per
 * component with O_NOFOLLOW, staying on dirfd's device. */
static int open_beneath_walk(int dirfd, const char *path, int flags)
{
    struct stat top;
    if (*path == '/' || fstat(dirfd, &top) < 0) {
        errno = EXDEV;
        return -1;
    }
    CLEANUP_FREE char *p = xstrdup(path);
    CLEANUP_CLOSE int cur = fcntl(dirfd, F_DUPFD_CLOEXEC, 0);
    char *save = NULL;
    for (char *part = strtok_r(p, "/", &save); part && cur >= 0; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, "..") == 0) {
            errno = EXDEV;
            return -1;
        }
        bool last = save == NULL || *save == '\0';
        int next = openat(cur, part, (last ? flags : O_PATH | O_DIRECTORY) | O_NOFOLLOW | O_CLOEXEC);
        struct stat st;
        if (next >= 0 && (fstat(next, &st) < 0 || st.st_dev != top.st_dev)) {
            close(next);
            errno = EXDEV;
            return -1;
        }
        close(cur);
        cur = next;
    }
    return TAKE_FD(cur);
}

int open_beneath(int dirfd, const char *path, int flags)
{
    struct open_how how = {
        .flags = (uint64_t)flags | O_CLOEXEC,
        .resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS | RESOLVE_NO_XDEV,
    };
    long fd;
    do
        fd = syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
    while (fd < 0 && errno == EAGAIN);
    if (fd < 0 && errno == ENOSYS)
        return open_beneath_walk(dirfd, path, flags);
    return (int)fd;
}

int mkdir_p_in_root(int rootfd, const char *path, mode_t mode)
{
    CLEANUP_FREE char *p = xstrdup(path);
    int cur = open_in_root(rootfd, "/", O_PATH | O_DIRECTORY, 0);
    char *save = NULL;
    for (char *part = strtok_r(p, "/", &save); part && cur >= 0; part = strtok_r(NULL, "/", &save)) {
        /* Each prefix is resolved from the root again, so a symlinked
         * component is followed as if the root were "/" and cannot escape. */
        CLEANUP_FREE char *prefix = xasprintf("%.*s", (int)(part - p + strlen(part)), path);
        int next = open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
        if (next < 0 && errno == ENOENT) {
            if (mkdirat(cur, part, mode) < 0 && errno != EEXIST) {
                int e = errno;
                close(cur);
                errno = e;
                return -1;
            }
            next = open_in_root(rootfd, prefix, O_PATH | O_DIRECTORY, 0);
        }
        int e = errno;
        close(cur);
        errno = e;
        cur = next;
    }
    return cur;
}

int dir_is_empty(const char *path)
{
    DIR *d = opendir(path);
    if (d == NULL)
        return -1;
    struct dirent *e;
    int empty = 1;
    errno = 0;
    while (empty && (e = readdir(d)) != NULL)
        if (strcmp(e->d_name, ".") != 0 && strcmp(e->d_name, "..") != 0)
            empty = 0;
    closedir(d);
    return empty;
}

int is_mount_point(const char *path)
{
    struct statx stx;
    if (statx(AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &stx) < 0)
        return -1;
    if (!(stx.stx_attributes_mask & STATX_ATTR_MOUNT_ROOT)) {
        errno = ENOSYS;
        return -1;
    }
    return (stx.stx_attributes & STATX_ATTR_MOUNT_ROOT) != 0;
}
