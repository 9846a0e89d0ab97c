/* Masked and read-only paths, and the read-only root. */
#include "paths.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "mounts.h"

static int open_root(struct error **err)
{
    int fd = open("/", O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open /");
    return fd;
}

/* An O_PATH fd of /dev/null, refused unless it is the null device itself:
 * a symlink or another node there would turn masking into unmasking. */
static int open_null(int root, struct error **err)
{
    CLEANUP_CLOSE int fd = open_in_root(root, "/dev/null", O_PATH | O_NOFOLLOW, 0);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return error_set(err, errno, "open /dev/null");
    if (!S_ISCHR(st.st_mode) || st.st_rdev != makedev(1, 3))
        return error_setc(err, EXIT_PERM, 0, "/dev/null is not the null device (1:3)");
    return TAKE_FD(fd);
}

static int mask_one(int root, int *null, const char *path, struct error **err)
{
    CLEANUP_CLOSE int fd = open_in_root(root, path, O_PATH, 0);
    struct stat st;
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0 || fstat(fd, &st) < 0)
        return error_set(err, errno, "mask %s: open", path);
    if (S_ISDIR(st.st_mode)) {
        if (mount("tmpfs", fd_path(fd).s, "tmpfs", MS_RDONLY, NULL) < 0)
            return error_set(err, errno, "mask %s: mount read-only tmpfs", path);
        return 0;
    }
    if (*null < 0 && (*null = open_null(root, err)) < 0)
        return error_prefix(err, "mask %s", path);
    if (mount(fd_path(*null).s, fd_path(fd).s, NULL, MS_BIND, NULL) < 0)
        return error_set(err, errno, "mask %s: bind /dev/null", path);
    return 0;
}

int paths_mask(char *const *paths, struct error **err)
{
    if (paths == NULL)
        return 0;
    CLEANUP_CLOSE int root = open_root(err);
    CLEANUP_CLOSE int null = -1;
    if (root < 0)
        return -1;
    for (char *const *p = paths; *p; p++)
        if (mask_one(root, &null, *p, err) < 0)
            return error_prefix(err, "linux.maskedPaths");
    return 0;
}

static int readonly_one(int root, const char *path, struct error **err)
{
    CLEANUP_CLOSE int fd = open_in_root(root, path, O_PATH, 0);
    if (fd < 0 && errno == ENOENT)
        return 0;
    if (fd < 0)
        return error_set(err, errno, "read-only %s: open", path);
    unsigned long keep = mount_current_flags(fd) & (MS_NOSUID | MS_NODEV | MS_NOEXEC);
    CLEANUP_CLOSE int tree = mount_bind_fd(fd, fd, MS_BIND | MS_REC | MS_RDONLY | keep);
    if (tree < 0)
        return error_set(err, errno, "read-only %s: bind onto itself read-only", path);
    return 0;
}

int paths_readonly(char *const *paths, struct error **err)
{
    if (paths == NULL)
        return 0;
    CLEANUP_CLOSE int root = open_root(err);
    if (root < 0)
        return -1;
    for (char *const *p = paths; *p; p++)
        if (readonly_one(root, *p, err) < 0)
            return error_prefix(err, "linux.readonlyPaths");
    return 0;
}

int paths_root_readonly(struct error **err)
{
    if (mount(NULL, "/", NULL, MS_BIND | MS_REMOUNT | MS_RDONLY, NULL) == 0)
        return 0;
    CLEANUP_CLOSE int root = open_root(err);
    if (root < 0)
        return error_prefix(err, "root.readonly");
    if (mount_remount_fd(root, MS_RDONLY) < 0)
        return error_set(err, errno, "root.readonly: remount / read-only");
    return 0;
}
