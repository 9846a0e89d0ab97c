/* The process `exec` starts, from clone to execve: it joins the
 * container's cgroup and namespaces, becomes the configured user with the
 * configured capabilities, limits and security, and execs. Non-dumpable
 * until the execve, so the container cannot ptrace it or read its fds. */
#ifndef RUNTIME_EXEC_CHILD_H
#define RUNTIME_EXEC_CHILD_H

#include <stdbool.h>

#include "common/spec.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/linux/ns_attach.h"
#include "runtime/security/security.h"

struct exec_child_args {
    const struct spec_process *process;
    const struct security_plan *sec;
    const struct ns_attach *ns;
    const struct cgroup *cgroup;
    bool join_cgroup_v1;    /* move itself into the v1 hierarchies */
    const char *state_json; /* for a seccomp notify listener */
    int sync_fd;            /* errors go there; its EOF (close-on-exec) means exec'd */
    int preserve_fds;
    const char *keyring_id; /* join the container's session keyring "_ses.<id>" */
};

__attribute__((noreturn)) void exec_child_main(const struct exec_child_args *a);

#endif
