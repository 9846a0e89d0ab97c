/* linux.seccomp: compiled to a BPF program with libseccomp in the parent
 * (before clone), loaded with seccomp(2) by the init process just before exec. */
#ifndef RUNTIME_SECURITY_SECCOMP_PLAN_H
#define RUNTIME_SECURITY_SECCOMP_PLAN_H

#include <linux/filter.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

struct seccomp_plan {
    struct sock_filter *insns;
    unsigned short n_insns;
    unsigned int flags; /* SECCOMP_FILTER_FLAG_* asked for in linux.seccomp.flags */
    bool notify;        /* some rule uses SCMP_ACT_NOTIFY */
    bool self_send_ok;  /* no NOTIFY rule on what the child's own hand-over calls (read, sendmsg, sendto) */
    int listener_fd;    /* connected to listenerPath (close-on-exec), or -1 */
    int host_pidns_fd;  /* the runtime's pid namespace: names the init's pid for the listener */
    char *metadata;     /* listenerMetadata */
};

/* Name tables (seccomp_names.c). Each returns -1 for an unknown name. */
int seccomp_action_from_name(const char *name, bool has_ret, uint32_t ret, uint32_t *out);
int seccomp_op_from_name(const char *name);
int seccomp_arch_from_name(const char *name, uint32_t *out);
int seccomp_flag_from_name(const char *name, unsigned int *out);

/* Refuses (EXIT_INVALID) unknown actions, operators, architectures and
 * flags, and rules that cannot work; unknown syscall names only warn later. */
int seccomp_validate(const struct spec_seccomp *sc, struct error **err);
/* The ENOSYS prefix (seccomp_enosys.c): a syscall above the highest one the
 * profile names for its architecture fails with ENOSYS. Not needed (none
 * built) when the default action is ALLOW, LOG, TRACE or ERRNO(ENOSYS). */
bool seccomp_enosys_needed(uint32_t default_action);
int seccomp_enosys_prefix(const struct spec_seccomp *sc, uint32_t default_action, struct sock_filter **out,
                          size_t *n_out, struct error **err);
/* Put the prefix in front of the plan's program. */
int seccomp_enosys_patch(const struct spec_seccomp *sc, uint32_t default_action, struct seccomp_plan *p,
                         struct error **err);
int seccomp_compile(const struct spec_seccomp *sc, struct seccomp_plan **out, struct error **err);
/* Load; *notify_fd gets the listener fd (or -1). */
int seccomp_plan_load(const struct seccomp_plan *p, int *notify_fd, struct error **err);
/* The runtime-spec containerProcessState for the listener, built from the
 * container state JSON. Its pid is the state's, else pid, else (pid 0: in
 * the child) our own as the runtime sees it. */
int seccomp_listener_message(const struct seccomp_plan *p, const char *state_json, pid_t pid, char **out,
                             struct error **err);
/* Send notify_fd with SCM_RIGHTS and the message over the listener socket. */
int seccomp_send_listener(int sock, int notify_fd, const char *msg, struct error **err);
void seccomp_plan_free(struct seccomp_plan *p);

struct security_plan;
/* The plan's filter (security.c), or NULL. */
const struct seccomp_plan *security_seccomp(const struct security_plan *p);

#endif
