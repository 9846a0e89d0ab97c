#include "runtime/linux/device_stage.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "runtime/linux/sync.h"

/* The host id a container id maps to; -1 when no range holds it. */
static int64_t host_id(const struct spec_id_mapping *m, size_t n, uint32_t id)
{
    for (size_t i = 0; i < n; i++)
        if (id >= m[i].container_id && (uint64_t)id - m[i].container_id < m[i].size)
            return (int64_t)m[i].host_id + (id - m[i].container_id);
    return -1;
}

static int node_kind(const struct spec_device *d)
{
    switch (d->type ? d->type[0] : '\0') {
    case 'b':
        return S_IFBLK;
    case 'p':
        return S_IFIFO;
    default:
        return S_IFCHR; /* "c" and "u"; types were checked before */
    }
}

static int make_node(int mnt, const struct spec_linux *l, size_t i, struct error **err)
{
    const struct spec_device *d = &l->devices[i];
    int64_t uid = host_id(l->uid_mappings, l->n_uid_mappings, d->has_uid ? d->uid : 0);
    int64_t gid = host_id(l->gid_mappings, l->n_gid_mappings, d->has_gid ? d->gid : 0);
    if (uid < 0 || gid < 0)
        return error_setc(err, EXIT_INVALID, 0, "linux.devices[%zu] (%s): its %s %u is not mapped in the user namespace",
                          i, d->path, uid < 0 ? "uid" : "gid", uid < 0 ? d->uid : d->gid);
    char name[32];
    snprintf(name, sizeof(name), "%zu", i);
    mode_t mode = d->has_file_mode ? (d->file_mode & 07777) : 0666;
    if (mknodat(mnt, name, node_kind(d) | mode, makedev((unsigned)d->major, (unsigned)d->minor)) < 0 ||
        fchmodat(mnt, name, mode, 0) < 0 || fchownat(mnt, name, (uid_t)uid, (gid_t)gid, AT_SYMLINK_NOFOLLOW) < 0)
        return error_set(err, errno, "linux.devices[%zu] (%s): make the node", i, d->path);
    return 0;
}

/* A root without CAP_MKNOD (a runtime inside another container): the init
 * binds the host's nodes instead, as before. */
static int not_staged(const char *what)
{
    log_debug("linux.devices: %s refused to the runtime; the host's nodes are bound instead", what);
    return 0;
}

int device_stage_send(const struct spec *s, int sync_fd, struct error **err)
{
    const struct spec_linux *l = s->linux_;
    if (l == NULL || l->n_devices == 0)
        return 0;
    CLEANUP_CLOSE int fs = fsopen("tmpfs", FSOPEN_CLOEXEC);
    if (fs < 0 && errno == EPERM)
        return not_staged("fsopen");
    if (fs < 0 || fsconfig(fs, FSCONFIG_SET_STRING, "mode", "0711", 0) < 0 ||
        fsconfig(fs, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return error_set(err, errno, "linux.devices: a tmpfs for the device nodes");
    CLEANUP_CLOSE int mnt = fsmount(fs, FSMOUNT_CLOEXEC, MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOEXEC);
    if (mnt < 0)
        return error_set(err, errno, "linux.devices: mount the tmpfs for the device nodes");
    for (size_t i = 0; i < l->n_devices; i++) {
        if (make_node(mnt, l, i, err) < 0 && (*err)->errnum == EPERM) {
            error_free(*err);
            *err = NULL;
            return not_staged("mknod");
        }
        if (*err)
            return -1;
    }
    if (sync_send_fd(sync_fd, SYNC_DEVICE_STAGE, 0, mnt) < 0)
        return error_set(err, errno, "send the device nodes to the container's init");
    return 0;
}

static int kept = -1;

void device_stage_keep(int fd)
{
    if (kept >= 0)
        close(kept);
    kept = fd;
}

/* The staging tmpfs is attached over /dev for as long as the clones take
 * (a detached mount cannot be cloned from), then detached again. */
int device_stage_clone(const struct mount_ctx *c, size_t n, int *clones, struct error **err)
{
    for (size_t i = 0; i < n; i++)
        clones[i] = -1;
    if (kept < 0)
        return 0;
    CLEANUP_CLOSE int stage = kept;
    kept = -1;
    CLEANUP_CLOSE int dev = target_open_dir(c, "/dev", err);
    if (dev < 0)
        return error_prefix(err, "linux.devices");
    if (move_mount(stage, "", dev, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return error_set(err, errno, "linux.devices: attach the device nodes");
    int rc = 0;
    for (size_t i = 0; rc == 0 && i < n; i++) {
        char name[32];
        snprintf(name, sizeof(name), "%zu", i);
        clones[i] = open_tree(stage, name, OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC);
        if (clones[i] < 0)
            rc = error_set(err, errno, "linux.devices[%zu]: clone its node", i);
    }
    if (umount2(fd_path(stage).s, MNT_DETACH) < 0 && rc == 0)
        rc = error_set(err, errno, "linux.devices: detach the device nodes");
    return rc;
}

int device_stage_place(const struct mount_ctx *c, const struct spec_device *d, int clone, struct error **err)
{
    CLEANUP_CLOSE int tree = clone;
    CLEANUP_CLOSE int dst = target_open(c, d->path, true, err);
    if (dst < 0)
        return error_prefix(err, "device %s", d->path);
    if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return error_set(err, errno, "device %s: bind its node to %s%s", d->path, c->rootfs, d->path);
    return 0;
}
