/* The runtime for an ordinary user (specs/rootless.md): the state root,
 * the --rootless flag, id maps through newuidmap/newgidmap, and the cgroup
 * a user may have. */
#ifndef RUNTIME_ROOTLESS_H
#define RUNTIME_ROOTLESS_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

/* --rootless auto|true|false (runc's values). auto: rootless when not root;
 * true: rootless, and limits that cannot be applied are skipped with a
 * warning instead of refused; false: never rootless. Usage error otherwise. */
int rootless_set_flag(const char *value, struct error **err);
bool rootless_mode(void);
bool rootless_lenient(void);
/* The rootless cgroup rules: rootless_mode, or root inside a user namespace
 * (runc's rule: it cannot know it may write the host's cgroups). */
bool rootless_cgroups(void);
/* Running in a user namespace other than the initial one (podman's, say). */
bool rootless_in_user_namespace(void);

/* The default --root: /run/runtime, or $XDG_RUNTIME_DIR/runtime when runc
 * would honour XDG_RUNTIME_DIR (not root; or root in a user namespace with
 * USER unset or not "root"). */
const char *rootless_state_root(void);

/* Rootless checks of a config before anything is made: a user namespace is
 * required. */
int rootless_check_config(const struct spec *s, struct error **err);

/* uid_map and gid_map of pid: the user's own single id written directly
 * (setgroups denied first, as the kernel requires), anything else through
 * newuidmap/newgidmap. */
int rootless_write_maps(pid_t pid, const struct spec_linux *l, struct error **err);

/* Whether /proc/self/setgroups says "deny" (a direct gid map). */
bool rootless_setgroups_denied(void);

/* The cgroupsPath to use. *path NULL with 0 returned: no cgroup at all (v1,
 * hybrid, or nothing delegated; said once per state root, remembered
 * by a file .cgroup-note in it); limits then are an error unless
 * lenient. Otherwise an absolute path inside the delegated subtree. */
int rootless_cgroup_path(const struct spec_linux *l, const char *id, const char *state_root, char **path,
                         struct error **err);

#endif
