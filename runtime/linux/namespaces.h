/* Linux namespaces from linux.namespaces: which to create with clone, which
 * to join by path with setns, and in what order. */
#ifndef RUNTIME_NAMESPACES_H
#define RUNTIME_NAMESPACES_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

enum ns_kind { NS_USER, NS_PID, NS_NET, NS_IPC, NS_UTS, NS_MNT, NS_CGROUP, NS_KINDS };

/* runtime-spec type name ("network"), /proc/PID/ns name ("net"), CLONE_ flag. */
const char *ns_spec_name(enum ns_kind k);
const char *ns_proc_name(enum ns_kind k);
int ns_clone_flag(enum ns_kind k);

struct ns_plan {
    bool wanted[NS_KINDS]; /* listed in config.json */
    int join_fd[NS_KINDS]; /* fd of a path to join, -1 otherwise */
    char *join_path[NS_KINDS];
    int clone_flags;       /* namespaces the clone itself creates */
    int unshare_flags;     /* created by the child after joining a user namespace by path */
    /* Joining a user namespace by path: an intermediate process joins it and
     * creates the new namespaces (pid included) owned by it, then clones the
     * init as a sibling (CLONE_PARENT) and exits. */
    bool two_step;
};

/* Validate linux.namespaces (known types, no duplicates, paths that are
 * namespaces of the right type) and open the paths to join. */
int ns_plan_build(const struct spec *s, struct ns_plan *p, struct error **err);
void ns_plan_release(struct ns_plan *p);
bool ns_new(const struct ns_plan *p, enum ns_kind k);

/* In the parent before clone: a pid namespace to join applies to children. */
int ns_join_pid_for_children(const struct ns_plan *p, struct error **err);
/* After the clone: children of ours are born in our own pid namespace again. */
void ns_reset_pid_for_children(const struct ns_plan *p);
/* In the child right after clone: join the user namespace by path (then
 * create the remaining new ones) and the others, except the cgroup one. */
int ns_enter_early(const struct ns_plan *p, struct error **err);
/* In the child once it sits in its cgroup: create or join the cgroup namespace. */
int ns_enter_cgroup(const struct ns_plan *p, struct error **err);

#endif
