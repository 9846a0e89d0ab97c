/* Which hierarchies the host has and where the container's cgroup lives in
 * each: cgroupsPath semantics as runc's (cgroupfs driver). */
#include <errno.h>
#include <linux/magic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/fs.h"
#include "common/mountinfo.h"
#include "common/xalloc.h"

static bool is_fs(const char *path, long magic)
{
    struct statfs st;
    return statfs(path, &st) == 0 && st.f_type == magic;
}

enum cgroup_mode cgroup_detect_mode(void)
{
    if (is_fs(CGROUP_MOUNT_ROOT, CGROUP2_SUPER_MAGIC))
        return CGROUP_MODE_V2;
    if (is_fs(CGROUP_MOUNT_ROOT "/unified", CGROUP2_SUPER_MAGIC))
        return CGROUP_MODE_HYBRID;
    return CGROUP_MODE_V1;
}

char *cgroup_clean_path(const char *p)
{
    bool absolute = p[0] == '/';
    CLEANUP_FREE char *copy = xstrdup(p);
    char *out = xcalloc(1, strlen(p) + 2);
    size_t len = 0;
    char *save = NULL;
    for (char *part = strtok_r(copy, "/", &save); part; part = strtok_r(NULL, "/", &save)) {
        if (strcmp(part, ".") == 0)
            continue;
        if (strcmp(part, "..") == 0) {
            while (len > 0 && out[len - 1] != '/')
                len--;
            if (len > 0)
                len--;
            out[len] = '\0';
            continue;
        }
        len += (size_t)sprintf(out + len, "/%s", part);
    }
    if (absolute && len == 0)
        strcpy(out, "/");
    if (!absolute && len > 0)
        memmove(out, out + 1, len); /* moves the NUL too */
    return out;
}

/* "a/b" + "c" with one slash; either side may be "" or "/". */
static char *join3(const char *a, const char *b, const char *c)
{
    CLEANUP_FREE char *ab = path_join(a, b);
    char *abc = path_join(ab, c);
    size_t n = strlen(abc);
    while (n > 1 && abc[n - 1] == '/')
        abc[--n] = '\0';
    return abc;
}

/* One line of /proc/self/cgroup: "4:memory:/a/b" or "0::/a". */
struct own_cgroup {
    char *controllers; /* "" for the unified hierarchy */
    char *path;
};

static void own_free(struct own_cgroup *own, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(own[i].controllers);
        free(own[i].path);
    }
    free(own);
}

static int read_own_cgroups(struct own_cgroup **out, size_t *n_out, struct error **err)
{
    CLEANUP_FCLOSE FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return error_set(err, errno, "open /proc/self/cgroup");
    struct own_cgroup *own = NULL;
    size_t n = 0;
    CLEANUP_FREE char *line = NULL;
    size_t cap = 0;
    while (getline(&line, &cap, f) > 0) {
        line[strcspn(line, "\n")] = '\0';
        char *c1 = strchr(line, ':');
        char *c2 = c1 ? strchr(c1 + 1, ':') : NULL;
        if (c2 == NULL)
            continue;
        *c2 = '\0';
        own = xrealloc(own, (n + 1) * sizeof(*own));
        own[n].controllers = xstrdup(c1 + 1);
        own[n].path = xstrdup(c2 + 1);
        n++;
    }
    *out = own;
    *n_out = n;
    return 0;
}

/* One cgroup mount from /proc/self/mountinfo. */
struct cg_mount {
    char *root;   /* the hierarchy path mounted there */
    char *target; /* mount point */
    char *opts;   /* super options: "rw,memory" */
    bool v2;
};

static void mounts_free(struct cg_mount *m, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(m[i].root);
        free(m[i].target);
        free(m[i].opts);
    }
    free(m);
}

static bool cgroup_mount(const struct mountinfo_entry *e, struct cg_mount *m)
{
    bool v2 = strcmp(e->fstype, "cgroup2") == 0;
    if (!v2 && strcmp(e->fstype, "cgroup") != 0)
        return false;
    m->root = xstrdup(e->root);
    m->target = xstrdup(e->mount_point);
    m->opts = xstrdup(e->super_options);
    m->v2 = v2;
    return true;
}

static int read_cgroup_mounts(struct cg_mount **out, size_t *n_out, struct error **err)
{
    CLEANUP_MOUNTINFO struct mountinfo *mi = NULL;
    if (mountinfo_open(NULL, &mi, err) < 0)
        return -1;
    struct cg_mount *mounts = NULL;
    size_t n = 0;
    const struct mountinfo_entry *e;
    int rc;
    while ((rc = mountinfo_next(mi, &e, err)) == 1) {
        struct cg_mount m;
        if (!cgroup_mount(e, &m))
            continue;
        mounts = xrealloc(mounts, (n + 1) * sizeof(*mounts));
        mounts[n++] = m;
    }
    if (rc < 0) {
        mounts_free(mounts, n);
        return -1;
    }
    *out = mounts;
    *n_out = n;
    return 0;
}

static const struct cg_mount *find_mount(const struct cg_mount *m, size_t n, const char *controllers)
{
    if (*controllers == '\0') {
        for (size_t i = 0; i < n; i++)
            if (m[i].v2 && strncmp(m[i].target, CGROUP_MOUNT_ROOT, strlen(CGROUP_MOUNT_ROOT)) == 0)
                return &m[i];
        return NULL;
    }
    /* A hierarchy may hold several controllers ("cpu,cpuacct"): any one names it. */
    CLEANUP_FREE char *first = strndup(controllers, strcspn(controllers, ","));
    for (size_t i = 0; i < n; i++)
        if (!m[i].v2 && cg_list_has(m[i].opts, first))
            return &m[i];
    return NULL;
}

/* The directory of path "inner" in one hierarchy. own is the runtime's
 * own cgroup there; parent_of_own is runc's v2 rule (a cgroup with
 * processes cannot delegate controllers, so v2 goes one level up). */
static char *dir_in(const struct cg_mount *m, const char *own, const char *inner, bool parent_of_own)
{
    if (inner[0] == '/')
        return join3(m->target, "", inner);
    const char *rel = own;
    size_t rl = strlen(m->root);
    if (strcmp(m->root, "/") != 0 && strncmp(own, m->root, rl) == 0 && (own[rl] == '/' || own[rl] == '\0'))
        rel = own + rl;
    CLEANUP_FREE char *base = xstrdup(rel);
    if (parent_of_own) {
        char *slash = strrchr(base, '/');
        if (slash)
            slash[slash == base ? 1 : 0] = '\0';
    }
    return join3(m->target, base, inner);
}

static void add_dir(struct cgroup *cg, const char *name, const char *mount, char *path)
{
    cg->dirs = xrealloc(cg->dirs, (cg->n_dirs + 1) * sizeof(*cg->dirs));
    cg->dirs[cg->n_dirs++] = (struct cgroup_dir){xstrdup(name), xstrdup(mount), path};
}

/* "system.slice:docker:abc" is for the systemd driver, which we lack. */
static bool is_systemd_form(const char *p)
{
    const char *c1 = strchr(p, ':');
    return p[0] != '/' && c1 && strchr(c1 + 1, ':') && !strchr(strchr(c1 + 1, ':') + 1, ':');
}

static int resolve_inner(const char *cgroups_path, const char *id, char **inner, struct error **err)
{
    if (cgroups_path && *cgroups_path && is_systemd_form(cgroups_path))
        return error_setc(err, EXIT_INVALID, 0,
                          "linux.cgroupsPath %s: the systemd form slice:prefix:name needs the "
                          "systemd cgroup driver, which is not supported",
                          cgroups_path);
    /* Like runc: no cgroupsPath means a cgroup named after the container,
     * beneath the runtime's own. */
    *inner = cgroup_clean_path(cgroups_path && *cgroups_path ? cgroups_path : id);
    if (strcmp(*inner, "/") == 0 || **inner == '\0') {
        free(*inner);
        return error_setc(err, EXIT_INVALID, 0, "linux.cgroupsPath %s: names a hierarchy's root cgroup",
                          cgroups_path ? cgroups_path : "");
    }
    return 0;
}

int cgroup_resolve_dirs(struct cgroup *cg, const char *cgroups_path, const char *id, struct error **err)
{
    CLEANUP_FREE char *inner = NULL;
    if (resolve_inner(cgroups_path, id, &inner, err) < 0)
        return -1;
    struct own_cgroup *own = NULL;
    size_t n_own = 0;
    struct cg_mount *mounts = NULL;
    size_t n_mounts = 0;
    int rc = -1;
    if (read_own_cgroups(&own, &n_own, err) < 0 || read_cgroup_mounts(&mounts, &n_mounts, err) < 0)
        goto out;
    for (size_t i = 0; i < n_own; i++) {
        bool unified = own[i].controllers[0] == '\0';
        if (unified && cg->mode == CGROUP_MODE_V1)
            continue;
        if (!unified && cg->mode == CGROUP_MODE_V2)
            continue;
        const struct cg_mount *m = find_mount(mounts, n_mounts, own[i].controllers);
        if (m == NULL)
            continue; /* not mounted: runc skips it too */
        char *dir = dir_in(m, own[i].path, inner, cg->mode == CGROUP_MODE_V2);
        add_dir(cg, unified ? "unified" : own[i].controllers, m->target, dir);
    }
    if (cg->n_dirs == 0) {
        error_set(err, 0, "no cgroup hierarchy is mounted under %s", CGROUP_MOUNT_ROOT);
        goto out;
    }
    rc = 0;
out:
    own_free(own, n_own);
    mounts_free(mounts, n_mounts);
    return rc;
}
