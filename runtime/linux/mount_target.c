/* Mount targets beneath the rootfs: opened with RESOLVE_IN_ROOT, and when
 * missing created the way runc's securejoin.MkdirAll does, following
 * symlinks on the way (a dangling one gets its target made, inside the root). */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"

#define MAX_LINKS 40

int path_split_last(const char *dest, char **parent, char **name)
{
    CLEANUP_FREE char *p = xstrdup(dest);
    size_t n = strlen(p);
    while (n > 0 && p[n - 1] == '/')
        p[--n] = '\0';
    char *slash = strrchr(p, '/');
    const char *base = slash ? slash + 1 : p;
    if (*base == '\0' || strcmp(base, ".") == 0 || strcmp(base, "..") == 0)
        return -1;
    *name = xstrdup(base);
    if (slash)
        *slash = '\0';
    else
        p[0] = '\0';
    *parent = TAKE_PTR(p);
    return 0;
}

/* Where a symlink named name in dir (a path beneath the root) points. */
static char *link_target(int dirfd, const char *dir, const char *name)
{
    char buf[PATH_MAX];
    ssize_t n = readlinkat(dirfd, name, buf, sizeof(buf) - 1);
    if (n < 0)
        return NULL;
    buf[n] = '\0';
    return buf[0] == '/' ? xstrdup(buf) : xasprintf("%s/%s", dir, buf);
}

static int create_missing(int rootfd, const char *dest, bool want_file, int depth);

static int ensure_dir(int rootfd, const char *path, int depth)
{
    int fd = open_in_root(rootfd, path, O_PATH | O_DIRECTORY, 0);
    if (fd >= 0) {
        close(fd);
        return 0;
    }
    return errno == ENOENT ? create_missing(rootfd, path, false, depth) : -1;
}

/* mkdir -p beneath the root; a dangling symlink on the way gets its target made. */
static int mkdir_all_in_root(int rootfd, const char *path, int depth)
{
    CLEANUP_FREE char *prefix = xstrdup(path);
    if (*prefix == '\0')
        return 0;
    for (char *p = prefix + 1;; p++) {
        if (*p != '/' && *p != '\0')
            continue;
        char saved = *p;
        *p = '\0';
        if (prefix[strspn(prefix, "/")] != '\0' && ensure_dir(rootfd, prefix, depth) < 0)
            return -1;
        *p = saved;
        if (saved == '\0')
            break;
    }
    return 0;
}

/* Create the last name of dest (its parents first). */
static int create_missing(int rootfd, const char *dest, bool want_file, int depth)
{
    CLEANUP_FREE char *parent = NULL, *name = NULL;
    if (depth > MAX_LINKS) {
        errno = ELOOP;
        return -1;
    }
    if (path_split_last(dest, &parent, &name) < 0) {
        errno = ENOENT;
        return -1;
    }
    if (mkdir_all_in_root(rootfd, parent, depth + 1) < 0)
        return -1;
    CLEANUP_CLOSE int pfd = open_in_root(rootfd, parent, O_PATH | O_DIRECTORY, 0);
    if (pfd < 0)
        return -1;
    CLEANUP_FREE char *link = link_target(pfd, parent, name);
    if (link)
        return create_missing(rootfd, link, want_file, depth + 1);
    if (!want_file)
        return mkdirat(pfd, name, 0755) < 0 && errno != EEXIST ? -1 : 0;
    int f = openat(pfd, name, O_CREAT | O_EXCL | O_WRONLY | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (f < 0 && errno != EEXIST)
        return -1;
    if (f >= 0)
        close(f);
    return 0;
}

int target_open(const struct mount_ctx *c, const char *dest, bool want_file, struct error **err)
{
    int fd = open_in_root(c->rootfd, dest, O_PATH, 0);
    if (fd >= 0)
        return fd;
    if (errno != ENOENT || create_missing(c->rootfd, dest, want_file, 0) < 0)
        return error_set(err, errno, "create mount target %s in %s", dest, c->rootfs);
    fd = open_in_root(c->rootfd, dest, O_PATH, 0);
    if (fd < 0)
        return error_set(err, errno, "open mount target %s in %s", dest, c->rootfs);
    return fd;
}

int target_reopen(const struct mount_ctx *c, const char *dest, struct error **err)
{
    int fd = open_in_root(c->rootfd, dest, O_PATH, 0);
    if (fd < 0)
        return error_set(err, errno, "open %s in %s", dest, c->rootfs);
    return fd;
}


int target_open_dir(const struct mount_ctx *c, const char *path, struct error **err)
{
    int fd = open_in_root(c->rootfd, path, O_PATH | O_DIRECTORY, 0);
    if (fd < 0 && errno == ENOENT && mkdir_all_in_root(c->rootfd, path, 0) == 0)
        fd = open_in_root(c->rootfd, path, O_PATH | O_DIRECTORY, 0);
    if (fd < 0) {
        CLEANUP_FREE char *where = path_join(c->rootfs, path);
        return error_set(err, errno, "create %s", where);
    }
    return fd;
}
