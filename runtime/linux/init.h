/* The container's init process between clone and exec: waits for the
 * parent's go, enters namespaces, builds the root file system, drops to
 * the configured user, reports ready, waits for start, execs. */
#ifndef RUNTIME_INIT_H
#define RUNTIME_INIT_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/spec.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/linux/namespaces.h"
#include "runtime/security/security.h"

struct init_args {
    const struct spec *spec;
    const struct ns_plan *ns;
    const struct security_plan *sec;
    const char *rootfs;     /* absolute host path of root.path */
    const char *state_json; /* for a seccomp notify listener */
    bool no_pivot;
    int sync_fd;            /* the init's end of the socketpair */
    pid_t parent_pid;       /* the runtime process: the init dies with it until SYNC_RECORDED */
    int start_fd;           /* read end of the exec fifo; -1 (run): exec at once */
    int notify_fifo_fd;     /* create with a seccomp notify rule: the notify fifo (read-write), else -1 */
    int preserve_fds;
    const char *keyring_id; /* join the session keyring "_ses.<id>"; NULL: keep ours */
    const char *id, *bundle; /* for the hooks' state */
    bool ns_entered;        /* an intermediate process did ns_enter_early */
    bool maps_by_user;      /* an ordinary user's parent writes our id maps: dumpable until then */
    const struct cgroup *cgroup;
    bool join_cgroup_v1;    /* move itself into the v1 hierarchies (cgroup_join.h) */
};

/* Never returns: execs the container's process or exits non-zero after
 * sending the failing step to the parent. */
__attribute__((noreturn)) void init_main(const struct init_args *a);

#endif
