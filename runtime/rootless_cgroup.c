/* A user's container cgroup, by runc's rootless rules: cgroup v2 with a
 * subtree delegated to the user -> the container's cgroup is made inside it;
 * cgroup v1, hybrid, or nothing delegated -> no cgroup at all, said once,
 * and limits in the config are an error unless --rootless=true asks for
 * leniency (then a warning names them). See specs/rootless.md. */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>
#include <string.h>

#include "common/cgroup_delegation.h"
#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "runtime/rootless.h"

#define CGROUP_ROOT "/sys/fs/cgroup"

/* The limits r sets, comma-separated into buf ("" when none). */
static void limit_names(const struct spec_resources *r, char *buf, size_t size)
{
    buf[0] = '\0';
    CLEANUP_STRV char **names = NULL;
    if (r)
        spec_limit_names(r, &names);
    for (size_t i = 0; names && names[i]; i++)
        snprintf(buf + strlen(buf), size - strlen(buf), "%s%s", i ? ", " : "", names[i]);
}

/* The note that the container gets no cgroup: once per state root. */
static void note_once(const char *state_root, const char *why)
{
    CLEANUP_FREE char *marker = path_join(state_root, ".cgroup-note");
    if (mkdir_p(state_root, 0700, NULL) < 0)
        return;
    int fd = open(marker, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd < 0)
        return;
    close(fd);
    log_info("cgroup: not root and %s: containers get no cgroup of their own (said once)", why);
}

static int no_cgroup(const struct spec_linux *l, const char *why, const char *state_root, struct error **err)
{
    char limits[128];
    limit_names(l ? l->resources : NULL, limits, sizeof(limits));
    if (*limits && !rootless_lenient())
        return error_setc(err, EXIT_PERM, 0,
                          "cgroup: not root and %s: the limits in config.json (%s) cannot be applied "
                          "(remove them, or run with --rootless=true to skip them)",
                          why, limits);
    if (*limits)
        log_warn("cgroup: not root and %s: limits not applied: %s", why, limits);
    else
        note_once(state_root, why);
    return 0;
}

int rootless_cgroup_path(const struct spec_linux *l, const char *id, const char *state_root, char **path,
                         struct error **err)
{
    *path = NULL;
    CLEANUP_FREE char *root = cgroup_delegated_root();
    if (root == NULL)
        return no_cgroup(l, "no cgroup v2 subtree is delegated to this user", state_root, err);
    const char *delegated = root + strlen(CGROUP_ROOT); /* "/a/b" */
    const char *want = l ? l->cgroups_path : NULL;
    if (want && *want == '/') {
        size_t n = strlen(delegated);
        if (strncmp(want, delegated, n) != 0 || (want[n] != '/' && want[n] != '\0') || want[n] == '\0')
            return error_setc(err, EXIT_PERM, 0,
                              "linux.cgroupsPath %s: not root, and it is outside the subtree delegated to "
                              "this user (%s)",
                              want, delegated);
        *path = xstrdup(want);
        return 0;
    }
    *path = xasprintf("%s/%s", delegated, want && *want ? want : id);
    return 0;
}
