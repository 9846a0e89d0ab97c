/* The config a non-root unpack writes: spec_make_rootless with the user's
 * ids, its subordinate ranges when newuidmap/newgidmap can map them, and
 * the limits kept only where a delegated cgroup v2 subtree can apply them. */
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cgroup_delegation.h"
#include "common/cleanup.h"
#include "common/log.h"
#include "common/strv.h"
#include "imagetool/rootless.h"

bool rootless_subid_range(const char *file, const char *name, unsigned id, uint32_t *start, uint32_t *count)
{
    CLEANUP_FCLOSE FILE *f = fopen(file, "re");
    char line[512], idtext[16];
    snprintf(idtext, sizeof(idtext), "%u", id);
    while (f && fgets(line, sizeof(line), f)) {
        char who[256];
        unsigned long s, n;
        if (sscanf(line, "%255[^:]:%lu:%lu", who, &s, &n) != 3 || n == 0 || s > UINT32_MAX || n > UINT32_MAX)
            continue;
        if ((name && strcmp(who, name) == 0) || strcmp(who, idtext) == 0) {
            *start = (uint32_t)s;
            *count = (uint32_t)n;
            return true;
        }
    }
    return false;
}

static bool helpers_installed(void)
{
    static const char *const dirs[] = { "/usr/bin", "/bin", "/usr/sbin", "/usr/local/bin", NULL };
    for (const char *const *d = dirs; *d; d++) {
        char uid[64], gid[64];
        snprintf(uid, sizeof(uid), "%s/newuidmap", *d);
        snprintf(gid, sizeof(gid), "%s/newgidmap", *d);
        if (access(uid, X_OK) == 0 && access(gid, X_OK) == 0)
            return true;
    }
    return false;
}

static void subordinate_ranges(struct spec_rootless_opts *o)
{
    if (!helpers_installed())
        return;
    struct passwd *pw = getpwuid(o->uid);
    const char *name = pw ? pw->pw_name : NULL;
    uint32_t us = 0, un = 0, gs = 0, gn = 0;
    if (rootless_subid_range("/etc/subuid", name, o->uid, &us, &un) &&
        rootless_subid_range("/etc/subgid", name, o->uid, &gs, &gn)) {
        o->subuid = us, o->n_subuid = un;
        o->subgid = gs, o->n_subgid = gn;
    }
}

/* Limits stay when a delegated v2 subtree offers every controller they need. */
static bool limits_applicable(const struct spec *s)
{
    const struct spec_resources *r = s->linux_ ? s->linux_->resources : NULL;
    if (r == NULL)
        return true;
    CLEANUP_FREE char *root = cgroup_delegated_root();
    if (root == NULL)
        return false;
    return (!r->has_memory || cgroup_delegated_has(root, "memory")) &&
           (!r->has_cpu || cgroup_delegated_has(root, "cpu")) &&
           (!r->has_pids_limit || cgroup_delegated_has(root, "pids"));
}

void rootless_config(struct spec *s, bool host_network)
{
    struct spec_rootless_opts o = {
        .uid = geteuid(),
        .gid = getegid(),
        .keep_netns = !host_network,
        .keep_limits = limits_applicable(s),
    };
    subordinate_ranges(&o);
    CLEANUP_STRV char **dropped = NULL;
    spec_make_rootless(s, &o, &dropped);
    if (dropped == NULL)
        return;
    char names[256] = "";
    for (char **d = dropped; *d; d++)
        snprintf(names + strlen(names), sizeof(names) - strlen(names), "%s%s", d == dropped ? "" : ", ", *d);
    log_warn("not root and no delegated cgroup v2 subtree: limits dropped from config.json: %s", names);
}
