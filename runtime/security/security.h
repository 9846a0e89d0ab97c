/* Capabilities, no_new_privs, seccomp and LSM labels for the container's
 * process. The init process calls these in this order:
 *   security_validate        in the parent, before anything changes
 *   security_prepare         in the parent: compile what can be compiled
 *   security_drop_bounding   in the child, before switching user
 *   (switch uid/gid with PR_SET_KEEPCAPS)
 *   security_apply_caps      effective, permitted, inheritable, ambient
 *   security_finish          no_new_privs, then seccomp, just before exec
 * With an SCMP_ACT_NOTIFY rule the child, once the filter is in, writes
 * the notify fd's number to a process without the filter, which takes the
 * fd (pidfd_getfd) and sends it to the listener (notify_relay_pass).
 */
#ifndef RUNTIME_SECURITY_H
#define RUNTIME_SECURITY_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

struct security_plan; /* what security_prepare compiled (seccomp filter, cap sets) */

int security_validate(const struct spec *s, struct error **err);
int security_prepare(const struct spec *s, struct security_plan **out, struct error **err);
int security_drop_bounding(const struct security_plan *p, struct error **err);
int security_apply_caps(const struct security_plan *p, struct error **err);
/* What the child has to hand over once its filter is in. */
struct notify_fds {
    int notify_fd;
    int listener_fd;   /* connected to listenerPath */
    bool self_send_ok; /* no rule notifies what sending it ourselves calls */
};
/* Hands the notify fd over without sendmsg or sendto (they may be the
 * syscalls notified): tells the fd's number to a process without the
 * filter with write, waits for its answer with read. 1: the listener has
 * the fd; 0: send it yourself (that process may not take it); -1 failed. */
struct notify_handover {
    int (*hand_over)(void *ctx, const struct notify_fds *f, struct error **err);
    void *ctx;
};

/* state_json: the container state handed to a seccomp notify listener;
 * h: how (NULL: the child sends the notify fd itself). */
int security_finish(const struct security_plan *p, const char *state_json, const struct notify_handover *h,
                    struct error **err);
/* Some seccomp rule uses SCMP_ACT_NOTIFY. */
bool security_plan_notifies(const struct security_plan *p);
/* The fds the init must keep until security_finish (seccomp listener
 * socket, the runtime's pid namespace); up to 2 stored in fds. */
size_t security_plan_fds(const struct security_plan *p, int fds[2]);
void security_plan_free(struct security_plan *p);

/* The runtime's side of the hand-over: the listener socket and the message. */
struct notify_relay;
/* *out stays NULL when no rule notifies. The message's pid is the one in
 * state_json, else pid (the child's, as the runtime sees it). */
int notify_relay_new(const struct security_plan *p, const char *state_json, pid_t pid, struct notify_relay **out,
                     struct error **err);
/* Take fd number num from the child behind pidfd and send it to the
 * listener: 1 done; 0 the child must send it itself (we may not take it,
 * and it can); -1 failed. Either way our end of the listener's connection
 * is closed then (the listener may read until its end). */
int notify_relay_pass(struct notify_relay *r, int pidfd, int num, struct error **err);
const char *notify_relay_message(const struct notify_relay *r);
void notify_relay_free(struct notify_relay *r);
/* The same without a plan (start: the listener socket is the child's
 * fd number listener_num too). */
int notify_relay_from(int pidfd, int notify_num, int listener_num, const char *msg, bool self_send_ok,
                      struct error **err);

#endif
