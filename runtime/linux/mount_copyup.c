/* tmpcopyup: the content a tmpfs mount hides (what the image had at the
 * target) is copied into the new tmpfs, owners, modes and times kept.
 * Everything is addressed through fds beneath the two directories, never
 * by path, and symlinks are copied as links, never followed. */
#include "mounts.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"

static int copy_data(int in, int out)
{
    char buf[65536];
    ssize_t n;
    while ((n = read(in, buf, sizeof(buf))) > 0)
        if (write_all(out, buf, (size_t)n) < 0)
            return -1;
    return n < 0 ? -1 : 0;
}

static int copy_meta(int to, const char *name, const struct stat *st)
{
    struct timespec times[2] = {st->st_atim, st->st_mtim};
    if (fchownat(to, name, st->st_uid, st->st_gid, AT_SYMLINK_NOFOLLOW) < 0)
        return -1;
    if (!S_ISLNK(st->st_mode) && fchmodat(to, name, st->st_mode & 07777, 0) < 0)
        return -1;
    return utimensat(to, name, times, AT_SYMLINK_NOFOLLOW);
}

static int copy_entry(int from, int to, const char *name, const struct stat *st);

static int copy_dir_entries(int from, int to)
{
    int dup_fd = dup(from);
    if (dup_fd < 0)
        return -1;
    CLEANUP_CLOSEDIR DIR *d = fdopendir(dup_fd);
    if (d == NULL) {
        close(dup_fd);
        return -1;
    }
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        struct stat st;
        if (fstatat(from, e->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0 || copy_entry(from, to, e->d_name, &st) < 0)
            return -1;
    }
    return 0;
}

static int copy_entry(int from, int to, const char *name, const struct stat *st)
{
    if (S_ISDIR(st->st_mode)) {
        if (mkdirat(to, name, 0700) < 0)
            return -1;
        CLEANUP_CLOSE int in = openat(from, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        CLEANUP_CLOSE int out = openat(to, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
        if (in < 0 || out < 0 || copy_dir_entries(in, out) < 0)
            return -1;
    } else if (S_ISREG(st->st_mode)) {
        CLEANUP_CLOSE int in = openat(from, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
        CLEANUP_CLOSE int out = openat(to, name, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
        if (in < 0 || out < 0 || copy_data(in, out) < 0)
            return -1;
    } else if (S_ISLNK(st->st_mode)) {
        char target[PATH_MAX];
        ssize_t n = readlinkat(from, name, target, sizeof(target) - 1);
        if (n < 0)
            return -1;
        target[n] = '\0';
        if (symlinkat(target, to, name) < 0)
            return -1;
    } else if (mknodat(to, name, st->st_mode, st->st_rdev) < 0) {
        return -1;
    }
    return copy_meta(to, name, st);
}

int mount_copy_up(int from_dir, int to_dir, const char *where, struct error **err)
{
    CLEANUP_CLOSE int in = openat(from_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    CLEANUP_CLOSE int out = openat(to_dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (in < 0 || out < 0 || copy_dir_entries(in, out) < 0)
        return error_set(err, errno, "tmpcopyup: copy the content of %s into the new tmpfs", where);
    return 0;
}
