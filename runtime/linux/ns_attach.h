/* Joining the namespaces of a container that exists (exec): the paths its
 * state records, opened by the parent, entered by the new process. */
#ifndef RUNTIME_NS_ATTACH_H
#define RUNTIME_NS_ATTACH_H

#include "common/error.h"
#include "runtime/linux/namespaces.h"

struct ns_attach {
    int fd[NS_KINDS]; /* -1: not to join (the host's, or the same as ours) */
    char *path[NS_KINDS];
};

/* Open paths[k] (NULL: the host's namespace) for every kind; a namespace
 * we are in already is skipped. */
int ns_attach_open(struct ns_attach *a, char *const paths[NS_KINDS], struct error **err);
void ns_attach_close(struct ns_attach *a);

/* An ordinary user may join a pid namespace only from inside the user
 * namespace that owns it: when not root, the parent joins the container's
 * user namespace first (and the new process then does not join it again).
 * Such a parent cannot return to its own pid namespace afterwards
 * (ns_attach_reset_pid fails quietly): it must fork nothing more. */
int ns_attach_user_early(struct ns_attach *a, struct error **err);

/* In the parent around the clone: the pid namespace applies to children. */
int ns_attach_pid_for_children(const struct ns_attach *a, struct error **err);
void ns_attach_reset_pid(const struct ns_attach *a);

/* In the new (single-threaded) process: namespaces the container's user
 * namespace does not own first (with the host's privileges), then the user
 * namespace, then ipc, uts, network, mount, and the cgroup namespace last. */
int ns_attach_enter(const struct ns_attach *a, struct error **err);

#endif
