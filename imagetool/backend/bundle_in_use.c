/* Is a process running with its root inside a bundle? A container's root
 * is the bundle's rootfs (the same directory, seen through a bind mount in
 * the container's own mount namespace), so /proc/PID/root is compared by
 * device and inode, which the bind keeps; a chroot into the bundle shows up
 * by path. */
#include <dirent.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "imagetool/backend/bundle.h"

static bool root_inside(const char *pid, const struct stat *rootfs, const char *bundle_real)
{
    char link[64], target[PATH_MAX];
    snprintf(link, sizeof(link), "/proc/%s/root", pid);
    struct stat st;
    if (stat(link, &st) == 0 && st.st_dev == rootfs->st_dev && st.st_ino == rootfs->st_ino)
        return true;
    ssize_t n = readlink(link, target, sizeof(target) - 1);
    if (n <= 0)
        return false;
    target[n] = '\0';
    size_t len = strlen(bundle_real);
    return strncmp(target, bundle_real, len) == 0 && (target[len] == '\0' || target[len] == '/');
}

int bundle_user_pid(const char *bundle)
{
    CLEANUP_FREE char *rootfs = path_join(bundle, BUNDLE_ROOTFS);
    CLEANUP_FREE char *real = realpath(bundle, NULL);
    struct stat st;
    if (real == NULL || stat(rootfs, &st) < 0)
        return 0;
    CLEANUP_CLOSEDIR DIR *proc = opendir("/proc");
    if (proc == NULL)
        return 0;
    struct dirent *e;
    while ((e = readdir(proc)) != NULL) {
        if (e->d_name[0] < '1' || e->d_name[0] > '9')
            continue;
        if (root_inside(e->d_name, &st, real))
            return atoi(e->d_name);
    }
    return 0;
}
