/* One config.json mount at a time, always onto a target opened beneath the
 * rootfs and addressed as /proc/self/fd/N: the kernel then mounts on the
 * inode we resolved safely, not on whatever the path names by now. */
#include "mounts.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "runtime/linux/bind_sources.h"

unsigned long mount_current_flags(int fd)
{
    struct statvfs sv;
    if (fstatvfs(fd, &sv) < 0)
        return 0;
    unsigned long f = 0;
    f |= (sv.f_flag & ST_RDONLY) ? MS_RDONLY : 0;
    f |= (sv.f_flag & ST_NOSUID) ? MS_NOSUID : 0;
    f |= (sv.f_flag & ST_NODEV) ? MS_NODEV : 0;
    f |= (sv.f_flag & ST_NOEXEC) ? MS_NOEXEC : 0;
    f |= (sv.f_flag & ST_NOATIME) ? MS_NOATIME : 0;
    f |= (sv.f_flag & ST_NODIRATIME) ? MS_NODIRATIME : 0;
    f |= (sv.f_flag & ST_RELATIME) ? MS_RELATIME : 0;
    return f;
}

int mount_remount_fd(int fd, unsigned long flags)
{
    const unsigned long atime = MS_NOATIME | MS_RELATIME | MS_STRICTATIME | MS_NODIRATIME;
    flags &= ~(MS_REC | MS_REMOUNT | MS_BIND);
    if (mount(NULL, fd_path(fd).s, NULL, flags | MS_REMOUNT | MS_BIND, NULL) == 0)
        return 0;
    if (errno != EPERM)
        return -1;
    /* In a user namespace flags inherited from the host are locked: keep them. */
    unsigned long keep = mount_current_flags(fd);
    if (flags & atime)
        keep &= ~atime;
    return mount(NULL, fd_path(fd).s, NULL, flags | keep | MS_REMOUNT | MS_BIND, NULL);
}

int mount_propagate_fd(int fd, const struct mount_flags *f)
{
    for (size_t i = 0; i < f->n_propagation; i++)
        if (mount(NULL, fd_path(fd).s, NULL, f->propagation[i], NULL) < 0)
            return -1;
    if (f->attr_set == 0 && f->attr_clr == 0)
        return 0;
    struct mount_attr attr = {.attr_set = f->attr_set, .attr_clr = f->attr_clr};
    return mount_setattr(fd, "", AT_EMPTY_PATH | AT_RECURSIVE, &attr, sizeof(attr));
}

/* Host path of an fd (what the kernel resolved), for checks and messages. */
static int fd_real_path(int fd, char *buf)
{
    ssize_t n = readlink(fd_path(fd).s, buf, PATH_MAX - 1);
    if (n < 0)
        return -1;
    buf[n] = '\0';
    return 0;
}

static bool is_procfs(int fd)
{
    struct statfs sf;
    return fstatfs(fd, &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC;
}

/* Like runc: nothing may be mounted inside /proc (it would hide or redirect
 * what the kernel exposes there) except the files lxcfs emulates; /proc
 * itself takes only procfs. */
static int check_proc_target(const struct mount_ctx *c, int fd, const char *dest, bool bind, int srcfd,
                             struct error **err)
{
    static const char *const allowed[] = {
        "/proc/cpuinfo", "/proc/diskstats", "/proc/meminfo", "/proc/stat", "/proc/swaps",
        "/proc/uptime", "/proc/loadavg", "/proc/slabinfo", "/proc/sys/kernel/ns_last_pid",
        "/proc/sys/kernel/random/boot_id",
    };
    char root[PATH_MAX], real[PATH_MAX];
    if (fd_real_path(c->rootfd, root) < 0 || fd_real_path(fd, real) < 0)
        return error_set(err, errno, "resolve mount target %s", dest);
    size_t rl = strcmp(root, "/") == 0 ? 0 : strlen(root);
    const char *rel = real + rl;
    if (strncmp(real, root, rl) != 0 || (*rel != '/' && *rel != '\0'))
        return error_setc(err, EXIT_PERM, 0, "mount target %s resolved to %s, outside %s", dest, real, root);
    if (strncmp(rel, "/proc", 5) != 0 || (rel[5] != '/' && rel[5] != '\0'))
        return 0;
    if (rel[5] == '\0') {
        if (!bind || is_procfs(srcfd))
            return 0;
        return error_setc(err, EXIT_INVALID, 0, "%s cannot be mounted on /proc: it is not procfs", dest);
    }
    for (size_t i = 0; i < sizeof(allowed) / sizeof(allowed[0]); i++)
        if (strcmp(rel, allowed[i]) == 0)
            return 0;
    return error_setc(err, EXIT_INVALID, 0, "%s cannot be mounted because it is inside /proc", dest);
}

/* A bind mount ignores flags: like runc's remount after the bind, the
 * per-mount flags are replaced by those asked (no atime flag = relatime),
 * but set on the detached clone, before anyone can see it. */
static struct mount_attr bind_attrs(unsigned long flags)
{
    static const struct {
        unsigned long ms;
        uint64_t attr;
    } map[] = {
        {MS_RDONLY, MOUNT_ATTR_RDONLY}, {MS_NOSUID, MOUNT_ATTR_NOSUID}, {MS_NODEV, MOUNT_ATTR_NODEV},
        {MS_NOEXEC, MOUNT_ATTR_NOEXEC}, {MS_NODIRATIME, MOUNT_ATTR_NODIRATIME},
    };
    struct mount_attr a = {0};
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++) {
        if (flags & map[i].ms)
            a.attr_set |= map[i].attr;
        else
            a.attr_clr |= map[i].attr;
    }
    a.attr_clr |= MOUNT_ATTR__ATIME;
    if (flags & MS_NOATIME)
        a.attr_set |= MOUNT_ATTR_NOATIME;
    else if (flags & MS_STRICTATIME)
        a.attr_set |= MOUNT_ATTR_STRICTATIME;
    else
        a.attr_set |= MOUNT_ATTR_RELATIME;
    return a;
}

static int bind_set_flags(int tree, unsigned long flags)
{
    struct mount_attr a = bind_attrs(flags);
    if (mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a)) == 0)
        return 0;
    if (errno != EPERM)
        return -1;
    /* In a user namespace flags inherited from the host are locked: keep
     * them, and leave atime alone unless it was asked for. */
    struct mount_attr now = bind_attrs(mount_current_flags(tree));
    a.attr_clr &= ~(now.attr_set & ~MOUNT_ATTR__ATIME);
    if (!(flags & (MS_NOATIME | MS_STRICTATIME | MS_RELATIME))) {
        a.attr_clr &= ~MOUNT_ATTR__ATIME;
        a.attr_set &= ~MOUNT_ATTR__ATIME;
    }
    return mount_setattr(tree, "", AT_EMPTY_PATH, &a, sizeof(a));
}

int mount_bind_fd(int src, int dst, unsigned long flags)
{
    unsigned int rec = (flags & MS_REC) ? AT_RECURSIVE : 0;
    CLEANUP_CLOSE int tree = open_tree(src, "", OPEN_TREE_CLONE | OPEN_TREE_CLOEXEC | AT_EMPTY_PATH | rec);
    if (tree < 0)
        return -1;
    if ((flags & ~(MS_BIND | MS_REC | MS_REMOUNT)) && bind_set_flags(tree, flags) < 0)
        return -1;
    if (move_mount(tree, "", dst, "", MOVE_MOUNT_F_EMPTY_PATH | MOVE_MOUNT_T_EMPTY_PATH) < 0)
        return -1;
    return TAKE_FD(tree);
}

int mount_entry_bind(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                     struct error **err)
{
    CLEANUP_FREE char *where = path_join(c->rootfs, m->destination);
    if (m->source == NULL)
        return error_setc(err, EXIT_INVALID, 0, "bind mount to %s: no source", where);
    CLEANUP_CLOSE int src = bind_source_take(c->spec, m);
    if (src == -1)
        src = open(m->source, O_PATH | O_CLOEXEC);
    struct stat st;
    if (src < 0 || fstat(src, &st) < 0)
        return error_set(err, errno, "bind mount %s to %s: open source", m->source, where);
    CLEANUP_CLOSE int dst = target_open(c, m->destination, !S_ISDIR(st.st_mode), err);
    if (dst < 0 || check_proc_target(c, dst, m->destination, true, src, err) < 0)
        return error_prefix(err, "bind mount %s to %s", m->source, where);
    CLEANUP_CLOSE int tree = mount_bind_fd(src, dst, f->flags);
    if (tree < 0)
        return error_set(err, errno, "bind mount %s to %s", m->source, where);
    /* tree now names the attached mount itself: no path is resolved again. */
    if (mount_propagate_fd(tree, f) < 0)
        return error_set(err, errno, "set propagation and attributes of %s", where);
    return 0;
}

/* sysfs cannot be mounted from a user namespace that does not own the
 * network namespace, nor mqueue outside an owned ipc namespace; like runc,
 * fall back to a recursive bind of the host's. */
static int mount_fallback_bind(const struct mount_ctx *c, const struct spec_mount *m, const char *host,
                               const struct mount_flags *f, struct error **err)
{
    struct spec_mount b = *m;
    b.source = (char *)host;
    struct mount_flags bf = *f;
    bf.flags |= MS_BIND | MS_REC;
    return mount_entry_bind(c, &b, &bf, err);
}

static bool is_dev(const char *dest)
{
    while (*dest == '/')
        dest++;
    return strncmp(dest, "dev", 3) == 0 && strspn(dest + 3, "/") == strlen(dest + 3);
}

int mount_entry_fs(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                    struct error **err)
{
    CLEANUP_FREE char *where = path_join(c->rootfs, m->destination);
    const char *type = m->type ? m->type : "";
    const char *source = m->source ? m->source : type;
    CLEANUP_CLOSE int dst = target_open(c, m->destination, false, err);
    if (dst < 0 || check_proc_target(c, dst, m->destination, false, -1, err) < 0)
        return error_prefix(err, "mount %s to %s", source, where);
    unsigned long flags = f->flags & ~MS_REMOUNT;
    if (c->defer_dev_ro && is_dev(m->destination))
        flags &= ~MS_RDONLY;
    if (mount(source, fd_path(dst).s, type, flags, f->data) < 0) {
        if (errno == EPERM && strcmp(type, "sysfs") == 0)
            return mount_fallback_bind(c, m, "/sys", f, err);
        if (errno == EPERM && strcmp(type, "mqueue") == 0)
            return mount_fallback_bind(c, m, "/dev/mqueue", f, err);
        if (errno == EPERM && c->new_userns)
            return error_setc(err, EXIT_PERM, errno, "mount %s to %s: type %s refused in a user namespace", source,
                              where, *type ? type : "(none)");
        if (errno == EINVAL && f->data)
            return error_setc(err, EXIT_INVALID, errno, "mount %s to %s: %s refused the options \"%s\" (unknown or bad value)",
                              source, where, type, f->data);
        return error_set(err, errno, "mount %s to %s", source, where);
    }
    if (!mount_flags_have_after(f) && !f->tmpcopyup)
        return 0;
    CLEANUP_CLOSE int top = target_reopen(c, m->destination, err);
    if (top < 0)
        return error_prefix(err, "mount %s to %s", source, where);
    /* dst still names the directory the tmpfs now covers. */
    if (f->tmpcopyup && mount_copy_up(dst, top, where, err) < 0)
        return -1;
    if (mount_propagate_fd(top, f) < 0)
        return error_set(err, errno, "set propagation and attributes of %s", where);
    return 0;
}

/* procfs and sysfs go only on an ordinary directory (or a missing one, made
 * as a directory): on a symlink they would land at its target, where LSM
 * rules keyed on /proc and /sys do not apply (CVE-2019-19921). */
static int check_kernel_fs_target(const struct mount_ctx *c, const struct spec_mount *m, struct error **err)
{
    const char *type = m->type ? m->type : "";
    if (strcmp(type, "proc") != 0 && strcmp(type, "sysfs") != 0)
        return 0;
    CLEANUP_CLOSE int fd = open_in_root(c->rootfd, m->destination, O_PATH | O_NOFOLLOW, 0);
    struct stat st;
    if (fd < 0 || fstat(fd, &st) < 0)
        return errno == ENOENT ? 0 : error_set(err, errno, "%s mount on %s", type, m->destination);
    if (!S_ISDIR(st.st_mode))
        return error_setc(err, EXIT_PERM, 0, "%s must be mounted on an ordinary directory: %s%s is %s", type,
                          c->rootfs, m->destination, S_ISLNK(st.st_mode) ? "a symlink" : "not a directory");
    return 0;
}

/* copy-symlink (crun's): a bind of a symlink makes the same symlink at
 * the destination. Returns 1 when done, 0 when the source is no symlink. */
static int copy_symlink(const struct mount_ctx *c, const struct spec_mount *m, struct error **err)
{
    char target[PATH_MAX];
    ssize_t n = m->source ? readlink(m->source, target, sizeof(target) - 1) : -1;
    if (n < 0)
        return 0;
    target[n] = '\0';
    CLEANUP_FREE char *parent = NULL, *name = NULL;
    if (path_split_last(m->destination, &parent, &name) < 0)
        return error_setc(err, EXIT_INVALID, 0, "mount %s: copy-symlink needs a file name as destination", m->destination);
    CLEANUP_CLOSE int dir = target_open_dir(c, parent, err);
    if (dir < 0)
        return error_prefix(err, "copy-symlink %s to %s", m->source, m->destination);
    CLEANUP_CLOSE int real = openat(dir, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (real < 0 || symlinkat(target, real, name) < 0)
        return error_set(err, errno, "copy-symlink %s to %s", m->source, m->destination);
    return 1;
}

int mount_entry(const struct mount_ctx *c, const struct spec_mount *m, struct error **err)
{
    struct mount_flags f;
    bool bind;
    if (mount_entry_parse(m, &f, &bind, err) < 0)
        return -1;
    const char *type = m->type ? m->type : "";
    int r = check_kernel_fs_target(c, m, err);
    if (r == 0 && bind && f.data)
        log_warn("mount %s: ignoring options a bind mount does not take: %s", m->destination, f.data);
    if (r == 0 && bind && f.copy_symlink)
        r = copy_symlink(c, m, err);
    if (r != 0) {
        mount_flags_release(&f);
        return r < 0 ? -1 : 0;
    }
    if (bind) {
        f.flags |= MS_BIND;
        r = mount_entry_bind(c, m, &f, err);
    } else if (strcmp(type, "cgroup") == 0) {
        r = mount_cgroup(c, m, &f, err);
    } else {
        r = mount_entry_fs(c, m, &f, err);
    }
    mount_flags_release(&f);
    return r;
}
