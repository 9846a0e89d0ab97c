/* The container's file system view, in runc's order (specs/rootfs.md):
 * propagation of "/", the rootfs bound onto itself, config mounts, /dev,
 * pivot_root; then read-only root, read-only and masked paths. */
#include "rootfs.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/mountinfo.h"
#include "common/xalloc.h"
#include "devices.h"
#include "mounts.h"
#include "paths.h"
#include "rootfs_pivot.h"

static int root_propagation(const struct spec *s, unsigned long *flag, struct error **err)
{
    const char *p = s->linux_ ? s->linux_->rootfs_propagation : NULL;
    *flag = MS_SLAVE | MS_REC;
    if (p == NULL || *p == '\0')
        return 0;
    *flag = mount_propagation_flag(p);
    if (*flag == 0)
        return error_setc(err, EXIT_INVALID, 0, "linux.rootfsPropagation: unknown value %s", p);
    return 0;
}

int rootfs_validate(const struct spec *s, struct error **err)
{
    unsigned long flag;
    if (root_propagation(s, &flag, err) < 0 || devices_validate(s, err) < 0 || mounts_validate(s, err) < 0)
        return -1;
    return 0;
}

/* pivot_root refuses a rootfs whose parent mount is shared (possible when
 * rootfsPropagation asks for shared): make that one mount private. */
static int parent_mount_private(const char *rootfs, struct error **err)
{
    CLEANUP_MOUNTINFO struct mountinfo *mi = NULL;
    if (mountinfo_open(NULL, &mi, err) < 0)
        return -1;
    CLEANUP_FREE char *best = NULL;
    bool best_shared = false;
    const struct mountinfo_entry *e;
    int rc;
    while ((rc = mountinfo_next(mi, &e, err)) == 1) {
        if (!mountinfo_covers(e, rootfs) || (best && strlen(e->mount_point) < strlen(best)))
            continue;
        free(best);
        best = xstrdup(e->mount_point);
        best_shared = mountinfo_has_tag(e, "shared");
    }
    if (rc < 0)
        return -1;
    if (best_shared && mount(NULL, best, NULL, MS_PRIVATE, NULL) < 0)
        return error_set(err, errno, "make %s private", best);
    return 0;
}

static int prepare_root(const struct spec *s, const char *rootfs, struct error **err)
{
    unsigned long flag;
    if (root_propagation(s, &flag, err) < 0)
        return -1;
    /* An unbindable tree cannot be bound onto itself: private for now,
     * the asked propagation is set after pivot_root (rootfs_setup). */
    if (flag & MS_UNBINDABLE)
        flag = MS_PRIVATE | (flag & MS_REC);
    if (mount(NULL, "/", NULL, flag, NULL) < 0)
        return error_set(err, errno, "set propagation of /");
    if (parent_mount_private(rootfs, err) < 0)
        return error_prefix(err, "prepare rootfs %s", rootfs);
    if (mount(rootfs, rootfs, NULL, MS_BIND | MS_REC, NULL) < 0)
        return error_set(err, errno, "bind mount rootfs %s onto itself", rootfs);
    return 0;
}

/* A mount over the rootfs itself (an overlay of image layers) hides the
 * directory rootfd holds: later targets must resolve in the new mount. */
static int mount_all(struct mount_ctx *c, const struct spec *s, struct error **err)
{
    for (size_t i = 0; i < s->n_mounts; i++) {
        if (mount_entry(c, &s->mounts[i], err) < 0)
            return error_prefix(err, "mounts[%zu]", i);
        if (!spec_mount_covers_root(s->mounts[i].destination))
            continue;
        int fd = open(c->rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
        if (fd < 0)
            return error_set(err, errno, "mounts[%zu]: open rootfs %s", i, c->rootfs);
        int r = dup3(fd, c->rootfd, O_CLOEXEC);
        close(fd);
        if (r < 0)
            return error_set(err, errno, "mounts[%zu]: reopen rootfs %s", i, c->rootfs);
    }
    return 0;
}

/* Does config.json mount /dev read-only? */
static bool dev_mount_readonly(const struct spec *s)
{
    bool ro = false;
    for (size_t i = 0; i < s->n_mounts; i++) {
        const char *d = s->mounts[i].destination;
        if (d == NULL || strcmp(d, "/dev") != 0)
            continue;
        struct mount_flags f;
        CLEANUP_ERROR struct error *ignored = NULL;
        if (mount_flags_parse(s->mounts[i].options, &f, &ignored) == 0)
            ro = (f.flags & MS_RDONLY) != 0;
        mount_flags_release(&f);
    }
    return ro;
}

static int setup_dev(const struct mount_ctx *c, const struct spec *s, struct error **err)
{
    if (!devices_needed(s))
        return 0;
    if (devices_create(c, s, err) < 0 || devices_symlinks(c, err) < 0)
        return error_prefix(err, "/dev");
    if (!c->defer_dev_ro)
        return 0;
    CLEANUP_CLOSE int dev = target_reopen(c, "/dev", err);
    if (dev < 0 || mount_remount_fd(dev, mount_current_flags(dev) | MS_RDONLY) < 0)
        return error_set(err, errno, "remount %s/dev read-only", c->rootfs);
    return 0;
}

int rootfs_setup(const struct spec *s, const struct rootfs_opts *o, struct error **err)
{
    char rootfs[PATH_MAX];
    if (realpath(o->rootfs, rootfs) == NULL)
        return error_set(err, errno, "root.path %s", o->rootfs);
    /* No mount namespace: the host's mount table is shared, so nothing is
     * mounted (create warned); a chroot is all that confines the view. */
    if (spec_namespace_find(s, "mount") == NULL) {
        if (chroot(rootfs) < 0 || chdir("/") < 0)
            return error_set(err, errno, "chroot %s (no mount namespace)", rootfs);
        return 0;
    }
    if (prepare_root(s, rootfs, err) < 0)
        return -1;
    CLEANUP_CLOSE int rootfd = open(rootfs, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return error_set(err, errno, "open rootfs %s", rootfs);
    struct mount_ctx c = {.rootfs = rootfs, .rootfd = rootfd, .spec = s, .new_userns = o->new_userns,
                          .defer_dev_ro = devices_needed(s) && dev_mount_readonly(s)};
    if (mount_all(&c, s, err) < 0 || setup_dev(&c, s, err) < 0)
        return -1;
    if (o->before_pivot && o->before_pivot(o->ctx, err) < 0)
        return -1;
    if (o->no_pivot ? rootfs_chroot(rootfs, err) < 0 : rootfs_pivot(rootfs, err) < 0)
        return -1;
    return 0;
}

int rootfs_finish(const struct spec *s, struct error **err)
{
    const struct spec_linux *l = s->linux_;
    if (spec_namespace_find(s, "mount") == NULL)
        return 0; /* every step below would change the host's mounts */
    if (s->root && s->root->readonly && paths_root_readonly(err) < 0)
        return -1;
    if (l && paths_readonly(l->readonly_paths, err) < 0)
        return -1;
    if (l && paths_mask(l->masked_paths, err) < 0)
        return -1;
    /* Applied again now that "/" is the container's root (runc does too),
     * last: read-only and masked paths are binds, which an unbindable
     * tree would refuse. */
    const char *p = l ? l->rootfs_propagation : NULL;
    if (p && *p && mount(NULL, "/", NULL, mount_propagation_flag(p), NULL) < 0)
        return error_set(err, errno, "linux.rootfsPropagation: set %s on /", p);
    return 0;
}
