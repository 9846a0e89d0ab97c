/* Which cgroup v2 subtree an ordinary user may manage: the one delegated to
 * it (owned by it, as systemd's Delegate=yes or an admin's chown leaves it).
 * Shared by imagetool (whether limits can be kept) and the runtime (where
 * a rootless container's cgroup goes). See specs/rootless.md. */
#ifndef COMMON_CGROUP_DELEGATION_H
#define COMMON_CGROUP_DELEGATION_H

#include <stdbool.h>

/* The path (under /sys/fs/cgroup) of the topmost cgroup, among the calling
 * process' cgroup and its ancestors, that the effective user owns together
 * with its cgroup.subtree_control; NULL when /sys/fs/cgroup is not cgroup2
 * or nothing is delegated. Caller frees. */
char *cgroup_delegated_root(void);

/* Whether CONTROLLER ("memory", "pids", "cpu") is available in the
 * delegated cgroup DIR (listed in its cgroup.controllers). */
bool cgroup_delegated_has(const char *dir, const char *controller);

#endif
