/* The "cgroup" mount of config.json, as runc makes it.
 * v1 (and hybrid hosts): a tmpfs holding, per v1 hierarchy, a bind mount of
 * the container's own cgroup directory (or, in a cgroup namespace, a fresh
 * cgroup mount of those controllers), with symlinks for co-mounted
 * controllers ("cpu" -> "cpu,cpuacct"). v2: a cgroup2 mount, or a bind of
 * the container's own directory when the kernel refuses one. */
#include "mounts.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/mountinfo.h"
#include "common/xalloc.h"

/* One v1 hierarchy as the container should see it. */
struct hierarchy {
    char *mountpoint;  /* host mount point, e.g. /sys/fs/cgroup/cpu,cpuacct */
    char *mount_root;  /* root of that mount inside the hierarchy */
    char *controllers; /* "cpu,cpuacct" or "name=systemd" */
    char *own_path;    /* this process's cgroup in it */
};

static void hierarchies_free(struct hierarchy *h, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(h[i].mountpoint);
        free(h[i].mount_root);
        free(h[i].controllers);
        free(h[i].own_path);
    }
    free(h);
}

/* Is every controller of "a,b" among the comma-separated super options? */
static bool options_have_all(const char *superopts, const char *controllers)
{
    CLEANUP_FREE char *list = xstrdup(controllers);
    char *save = NULL;
    for (char *c = strtok_r(list, ",", &save); c; c = strtok_r(NULL, ",", &save)) {
        size_t n = strlen(c);
        const char *p = superopts;
        bool found = false;
        while (!found && (p = strstr(p, c)) != NULL) {
            found = (p == superopts || p[-1] == ',') && (p[n] == ',' || p[n] == '\0');
            p += n;
        }
        if (!found)
            return false;
    }
    return true;
}

/* The line of /proc/self/cgroup ("N:controllers:/path") whose controllers
 * this mount's super options carry; lines already taken are skipped, so a
 * hierarchy mounted twice on the host is mounted once. */
static bool own_cgroup_of(const char *cgroups, const char *superopts, unsigned long *taken,
                          char **controllers, char **path)
{
    CLEANUP_FREE char *copy = xstrdup(cgroups);
    char *save = NULL;
    unsigned i = 0;
    for (char *line = strtok_r(copy, "\n", &save); line; line = strtok_r(NULL, "\n", &save), i++) {
        char *ctl = strchr(line, ':');
        char *rest = ctl ? strchr(ctl + 1, ':') : NULL;
        if (rest == NULL || rest == ctl + 1 || i >= 8 * sizeof(*taken) || (*taken & (1UL << i)))
            continue; /* the v2 line "0::/..." of a hybrid host: runc does not mount it */
        *rest = '\0';
        if (!options_have_all(superopts, ctl + 1))
            continue;
        *taken |= 1UL << i;
        *controllers = xstrdup(ctl + 1);
        *path = xstrdup(rest + 1);
        return true;
    }
    return false;
}

/* The v1 hierarchies this process belongs to, in the host's mount order. */
static int v1_hierarchies(struct hierarchy **out, size_t *n_out, struct error **err)
{
    CLEANUP_FREE char *cgroups = NULL;
    CLEANUP_MOUNTINFO struct mountinfo *mi = NULL;
    if (read_file("/proc/self/cgroup", &cgroups, NULL, err) < 0 || mountinfo_open(NULL, &mi, err) < 0)
        return -1;
    struct hierarchy *h = NULL;
    size_t n = 0;
    unsigned long taken = 0;
    const struct mountinfo_entry *e;
    int rc;
    while ((rc = mountinfo_next(mi, &e, err)) == 1) {
        struct hierarchy cur = {0};
        if (strcmp(e->fstype, "cgroup") != 0 ||
            !own_cgroup_of(cgroups, e->super_options, &taken, &cur.controllers, &cur.own_path))
            continue;
        cur.mountpoint = xstrdup(e->mount_point);
        cur.mount_root = xstrdup(e->root);
        h = xrealloc(h, (n + 1) * sizeof(*h));
        h[n++] = cur;
    }
    if (rc < 0) {
        hierarchies_free(h, n);
        return -1;
    }
    *out = h;
    *n_out = n;
    return 0;
}

/* Host directory to bind: the mount point plus our path below its root. */
static char *host_dir(const struct hierarchy *h)
{
    const char *rel = h->own_path;
    size_t rl = strlen(h->mount_root);
    if (strcmp(h->mount_root, "/") != 0 && strncmp(rel, h->mount_root, rl) == 0)
        rel += rl;
    return path_join(h->mountpoint, rel);
}

static int mount_one_hierarchy(const struct mount_ctx *c, const struct spec_mount *m,
                               const struct mount_flags *f, const struct hierarchy *h, struct error **err)
{
    const char *base = strrchr(h->mountpoint, '/') ? strrchr(h->mountpoint, '/') + 1 : h->mountpoint;
    CLEANUP_FREE char *dest = path_join(m->destination, base);
    if (spec_namespace_find(c->spec, "cgroup") != NULL) {
        CLEANUP_FREE char *where = path_join(c->rootfs, dest);
        CLEANUP_CLOSE int fd = target_open(c, dest, false, err);
        if (fd < 0)
            return error_prefix(err, "mount cgroup %s", h->controllers);
        if (mount("cgroup", fd_path(fd).s, "cgroup", f->flags & ~MS_REMOUNT, h->controllers) < 0)
            return error_set(err, errno, "mount cgroup %s to %s", h->controllers, where);
        return 0;
    }
    CLEANUP_FREE char *src = host_dir(h);
    struct spec_mount b = {.destination = dest, .type = "bind", .source = src};
    struct mount_flags bf = *f;
    bf.flags |= MS_BIND | MS_REC;
    bf.n_propagation = 0;
    return mount_entry_bind(c, &b, &bf, err);
}

/* "cpu,cpuacct" mounted as such gets "cpu" and "cpuacct" symlinks. */
static int link_comounted(const struct mount_ctx *c, const char *dest, const struct hierarchy *h,
                          struct error **err)
{
    const char *base = strrchr(h->mountpoint, '/') ? strrchr(h->mountpoint, '/') + 1 : h->mountpoint;
    if (strchr(base, ',') == NULL)
        return 0;
    CLEANUP_CLOSE int dirfd = target_reopen(c, dest, err);
    if (dirfd < 0)
        return -1;
    CLEANUP_FREE char *list = xstrdup(base);
    char *save = NULL;
    for (char *ss = strtok_r(list, ",", &save); ss; ss = strtok_r(NULL, ",", &save))
        if (symlinkat(base, dirfd, ss) < 0 && errno != EEXIST)
            return error_set(err, errno, "symlink %s/%s/%s", c->rootfs, dest, ss);
    return 0;
}

static int mount_cgroup_v1(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                           struct error **err)
{
    struct spec_mount tmpfs = {.destination = m->destination, .type = "tmpfs", .source = "tmpfs"};
    char mode[] = "mode=755";
    struct mount_flags tf = {.flags = MS_NOSUID | MS_NODEV | MS_NOEXEC, .data = mode};
    memcpy(tf.propagation, f->propagation, sizeof(tf.propagation));
    tf.n_propagation = f->n_propagation;
    if (mount_entry_fs(c, &tmpfs, &tf, err) < 0)
        return -1;
    struct hierarchy *h = NULL;
    size_t n = 0;
    if (v1_hierarchies(&h, &n, err) < 0)
        return error_prefix(err, "mount cgroup to %s/%s", c->rootfs, m->destination);
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        r = mount_one_hierarchy(c, m, f, &h[i], err) < 0 || link_comounted(c, m->destination, &h[i], err) < 0
                ? -1 : 0;
    hierarchies_free(h, n);
    if (r < 0 || !(f->flags & MS_RDONLY))
        return r;
    CLEANUP_CLOSE int top = target_reopen(c, m->destination, err);
    if (top < 0 || mount_remount_fd(top, tf.flags | MS_RDONLY) < 0)
        return error_set(err, errno, "remount %s/%s read-only", c->rootfs, m->destination);
    return 0;
}

/* This process's path in the unified hierarchy ("0::/path"). */
static char *own_v2_path(void)
{
    CLEANUP_FREE char *cgroups = NULL;
    CLEANUP_ERROR struct error *ignored = NULL;
    if (read_file("/proc/self/cgroup", &cgroups, NULL, &ignored) < 0)
        return xstrdup("/");
    char *line = strstr(cgroups, "0::");
    if (line == NULL)
        return xstrdup("/");
    line += 3;
    line[strcspn(line, "\n")] = '\0';
    return xstrdup(line);
}

static int mount_cgroup_v2(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                           struct error **err)
{
    struct spec_mount cg = *m;
    cg.type = "cgroup2";
    cg.source = "cgroup2";
    CLEANUP_ERROR struct error *first = NULL;
    if (mount_entry_fs(c, &cg, f, &first) == 0)
        return 0;
    if (first->errnum != EPERM && first->errnum != EBUSY)
        return error_move(err, &first);
    /* No cgroup namespace of our own (or rootless): bind our own directory. */
    CLEANUP_FREE char *own = own_v2_path();
    CLEANUP_FREE char *src = path_join("/sys/fs/cgroup", own);
    struct spec_mount b = {.destination = m->destination, .type = "bind", .source = src};
    struct mount_flags bf = *f;
    bf.flags |= MS_BIND | MS_REC;
    return mount_entry_bind(c, &b, &bf, err);
}

int mount_cgroup(const struct mount_ctx *c, const struct spec_mount *m, const struct mount_flags *f,
                 struct error **err)
{
    struct statfs sf;
    if (statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == CGROUP2_SUPER_MAGIC)
        return mount_cgroup_v2(c, m, f, err);
    return mount_cgroup_v1(c, m, f, err);
}
