/* The container process as config.json's "process" describes it: checked
 * in the parent, then applied by the init just before exec. */
#ifndef RUNTIME_PROCESS_H
#define RUNTIME_PROCESS_H

#include <stdbool.h>
#include <stddef.h>

#include "common/error.h"
#include "common/spec.h"

/* Everything that can be checked before touching the system: args, cwd,
 * rlimit names, terminal. */
int process_validate(const struct spec_process *p, struct error **err);

/* In the init, in this order (see runtime/linux/init.c). */
int process_set_hostname(const struct spec *s, struct error **err);
int process_set_rlimits(const struct spec_process *p, struct error **err);
/* Supplementary groups, gid, uid; capabilities survive (PR_SET_KEEPCAPS)
 * so that security_apply_caps can set the configured ones. */
int process_switch_user(const struct spec_user *u, struct error **err);
/* A process.cwd missing in the container is made (0755, root's), as runc
 * does: called inside the new root, before it may turn read-only. */
int process_make_cwd(const struct spec_process *p, struct error **err);

struct exec_plan {
    char *path;  /* resolved against the container's PATH */
    char **env;  /* process.env, plus HOME when it lacks one */
};
/* Resolve args[0] and build the environment (inside the container's root). */
int process_prepare_exec(const struct spec_process *p, struct exec_plan *x, struct error **err);
/* Close (not only mark close-on-exec) every fd from 3+preserve_fds up,
 * except the n in keep: the caller's and the runtime's host fds (a
 * directory fd would let args[0] or cwd name a host file through
 * /proc/self/fd/N, CVE-2024-21626). */
int process_close_host_fds(int preserve_fds, const int *keep, size_t n, struct error **err);
/* Does path go through a process's fd table or root/cwd (/proc/PID/fd/...,
 * /proc/self/cwd, /dev/fd/...)? Such paths are refused for args[0] and cwd. */
bool path_via_proc_fd(const char *path);
/* Keep fds 3 .. 3+preserve_fds-1 across exec, close every other one at exec. */
int process_close_fds(int preserve_fds, struct error **err);
/* Reset the signal mask and exec. Returns only on failure. */
int process_exec(const struct spec_process *p, const struct exec_plan *x, struct error **err);

/* "RLIMIT_NOFILE" -> RLIMIT_NOFILE, -1 if unknown. */
int rlimit_from_name(const char *name);

#endif
