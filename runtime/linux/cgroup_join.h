/* How the init gets into its cgroup cheaply. Writing another process's pid
 * to cgroup.procs takes the kernel's global cgroup_threadgroup_rwsem for
 * writing, which waits for an RCU grace period (10-20 ms here, most of a
 * container start). Two ways avoid it:
 *   v2: clone3 with CLONE_INTO_CGROUP puts the init in at birth;
 *   v1: a single-threaded process moving itself ("0" into a hierarchy's
 *       tasks file) does not take that lock.
 * The cgroup directories are made before the clone (cgroup_create with no
 * pid); what cannot be done this way falls back to cgroup_enter. */
#ifndef RUNTIME_CGROUP_JOIN_H
#define RUNTIME_CGROUP_JOIN_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/cgroups/cgroup.h"

/* O_RDONLY fd of the container's v2 (or hybrid unified) directory, or -1. */
int cgroup_join_v2_fd(const struct cgroup *cg);
/* In the init: move the calling (single-threaded) process into the
 * container's directory of every v1 hierarchy it is in. */
int cgroup_join_self_v1(const struct cgroup *cg, struct error **err);

#endif
