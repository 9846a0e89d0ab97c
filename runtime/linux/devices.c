/* Device nodes and /dev symlinks, made with *at() calls on fds opened
 * beneath the rootfs so a symlink planted in the rootfs cannot redirect them. */
#include "devices.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "runtime/linux/device_stage.h"

static const struct spec_device default_devices[] = {
    {.path = "/dev/null", .type = "c", .major = 1, .minor = 3},
    {.path = "/dev/zero", .type = "c", .major = 1, .minor = 5},
    {.path = "/dev/full", .type = "c", .major = 1, .minor = 7},
    {.path = "/dev/random", .type = "c", .major = 1, .minor = 8},
    {.path = "/dev/urandom", .type = "c", .major = 1, .minor = 9},
    {.path = "/dev/tty", .type = "c", .major = 5, .minor = 0},
};
#define N_DEFAULT_DEVICES (sizeof(default_devices) / sizeof(default_devices[0]))

bool devices_needed(const struct spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++) {
        const struct spec_mount *m = &s->mounts[i];
        if (m->destination == NULL || strcmp(m->destination, "/dev") != 0)
            continue;
        if (m->type && strcmp(m->type, "bind") == 0)
            return false;
        for (char *const *o = m->options; o && *o; o++)
            if (strcmp(*o, "bind") == 0 || strcmp(*o, "rbind") == 0)
                return false;
    }
    return true;
}

static int device_kind(const struct spec_device *d, mode_t *kind)
{
    const char *t = d->type ? d->type : "";
    if (strcmp(t, "c") == 0 || strcmp(t, "u") == 0)
        *kind = S_IFCHR;
    else if (strcmp(t, "b") == 0)
        *kind = S_IFBLK;
    else if (strcmp(t, "p") == 0)
        *kind = S_IFIFO;
    else
        return -1;
    return 0;
}

/* A device may go anywhere in the container (runc and crun make /foo-dev
 * too), always beneath the rootfs: an absolute path naming something
 * other than "/", without "..". */
static bool device_path_ok(const char *path)
{
    if (path[0] != '/' || path[strspn(path, "/")] == '\0')
        return false;
    for (const char *p = path; (p = strstr(p, "..")) != NULL; p += 2)
        if (p[-1] == '/' && (p[2] == '/' || p[2] == '\0'))
            return false;
    return true;
}

static int device_bind(const struct mount_ctx *c, const struct spec_device *d, struct error **err)
{
    CLEANUP_FREE char *where = path_join(c->rootfs, d->path);
    CLEANUP_CLOSE int src = open(d->path, O_PATH | O_CLOEXEC);
    if (src < 0)
        return error_set(err, errno, "bind device %s to %s: open host node", d->path, where);
    CLEANUP_CLOSE int dst = target_open(c, d->path, true, err);
    if (dst < 0)
        return error_prefix(err, "bind device %s", d->path);
    if (mount(fd_path(src).s, fd_path(dst).s, NULL, MS_BIND, NULL) < 0)
        return error_set(err, errno, "bind device %s to %s", d->path, where);
    return 0;
}

static int device_mknod(const struct mount_ctx *c, const struct spec_device *d, mode_t kind,
                        struct error **err)
{
    CLEANUP_FREE char *where = path_join(c->rootfs, d->path);
    CLEANUP_FREE char *parent = NULL, *name = NULL;
    if (path_split_last(d->path, &parent, &name) < 0)
        return error_setc(err, EXIT_INVALID, 0, "device path %s", d->path);
    CLEANUP_CLOSE int pfd = target_open_dir(c, parent, err);
    if (pfd < 0)
        return -1;
    mode_t mode = d->has_file_mode ? (d->file_mode & 07777) : 0666;
    dev_t dev = makedev((unsigned)d->major, (unsigned)d->minor);
    if (mknodat(pfd, name, kind | mode, dev) < 0) {
        if (errno == EEXIST)
            return 0; /* runc keeps what the image or an earlier entry put there */
        if (errno == EPERM)
            return device_bind(c, d, err);
        return error_set(err, errno, "mknod %s", where);
    }
    if (fchownat(pfd, name, d->has_uid ? d->uid : 0, d->has_gid ? d->gid : 0, AT_SYMLINK_NOFOLLOW) < 0)
        return error_set(err, errno, "chown %s", where);
    return 0;
}

static int device_check(const struct spec_device *d, mode_t *kind, struct error **err)
{
    if (d->path == NULL || !device_path_ok(d->path))
        return error_setc(err, EXIT_INVALID, 0, "linux.devices: path %s: must be absolute, without \"..\"",
                          d->path ? d->path : "(none)");
    if (device_kind(d, kind) < 0)
        return error_setc(err, EXIT_INVALID, 0, "linux.devices: %s: unknown type %s", d->path,
                          d->type ? d->type : "(none)");
    return 0;
}

int devices_validate(const struct spec *s, struct error **err)
{
    mode_t kind;
    for (size_t i = 0; s->linux_ && i < s->linux_->n_devices; i++)
        if (device_check(&s->linux_->devices[i], &kind, err) < 0)
            return -1;
    return 0;
}

static int device_create(const struct mount_ctx *c, const struct spec_device *d, struct error **err)
{
    mode_t kind;
    if (device_check(d, &kind, err) < 0)
        return -1;
    if (c->new_userns)
        return device_bind(c, d, err);
    return device_mknod(c, d, kind, err);
}

static bool configured(const struct spec *s, const char *path)
{
    const struct spec_linux *l = s->linux_;
    for (size_t i = 0; l && i < l->n_devices; i++)
        if (l->devices[i].path && strcmp(l->devices[i].path, path) == 0)
            return true;
    return false;
}

int devices_create(const struct mount_ctx *c, const struct spec *s, struct error **err)
{
    const struct spec_linux *l = s->linux_;
    size_t n = l ? l->n_devices : 0;
    CLEANUP_FREE int *staged = xcalloc(n + 1, sizeof(*staged));
    /* in a user namespace, the nodes the parent made (device_stage.h) */
    int r = device_stage_clone(c, n, staged, err);
    mode_t old = umask(0);
    for (size_t i = 0; r == 0 && i < N_DEFAULT_DEVICES; i++)
        if (!configured(s, default_devices[i].path))
            r = device_create(c, &default_devices[i], err);
    for (size_t i = 0; r == 0 && i < n; i++) {
        r = staged[i] >= 0 ? device_stage_place(c, &l->devices[i], staged[i], err)
                           : device_create(c, &l->devices[i], err);
        staged[i] = -1;
    }
    umask(old);
    for (size_t i = 0; i < n; i++)
        if (staged[i] >= 0)
            close(staged[i]);
    return r;
}

int devices_symlinks(const struct mount_ctx *c, struct error **err)
{
    static const char *const links[][2] = {
        {"/proc/self/fd", "fd"},
        {"/proc/self/fd/0", "stdin"},
        {"/proc/self/fd/1", "stdout"},
        {"/proc/self/fd/2", "stderr"},
    };
    CLEANUP_CLOSE int dev = target_open_dir(c, "/dev", err);
    if (dev < 0)
        return -1;
    if (unlinkat(dev, "ptmx", 0) < 0 && errno != ENOENT)
        return error_set(err, errno, "remove %s/dev/ptmx", c->rootfs);
    if (symlinkat("pts/ptmx", dev, "ptmx") < 0)
        return error_set(err, errno, "symlink %s/dev/ptmx", c->rootfs);
    for (size_t i = 0; i < sizeof(links) / sizeof(links[0]); i++)
        if (symlinkat(links[i][0], dev, links[i][1]) < 0 && errno != EEXIST)
            return error_set(err, errno, "symlink %s/dev/%s", c->rootfs, links[i][1]);
    if (access("/proc/kcore", F_OK) == 0 && symlinkat("/proc/kcore", dev, "core") < 0 && errno != EEXIST)
        return error_set(err, errno, "symlink %s/dev/core", c->rootfs);
    return 0;
}
