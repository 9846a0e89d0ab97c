/* Capabilities, no_new_privs, seccomp and LSM labels for the container's
 * process. The init process calls these in this order:
 *   security_validate        in the parent, before anything changes
 *   security_prepare         in the parent: compile what can be compiled
 *   security_drop_bounding   in the child, before switching user
 *   (switch uid/gid with PR_SET_KEEPCAPS)
 *   security_apply_caps      effective, permitted, inheritable, ambient
 *   security_finish          no_new_privs, then seccomp, just before exec
 */
#ifndef RUNTIME_SECURITY_H
#define RUNTIME_SECURITY_H

#include "common/error.h"
#include "common/spec.h"

struct security_plan; /* what security_prepare compiled (seccomp filter, cap sets) */

int security_validate(const struct spec *s, struct error **err);
int security_prepare(const struct spec *s, struct security_plan **out, struct error **err);
int security_drop_bounding(const struct security_plan *p, struct error **err);
int security_apply_caps(const struct security_plan *p, struct error **err);
/* state_json: the container state handed to a seccomp notify listener. */
int security_finish(const struct security_plan *p, const char *state_json, struct error **err);
/* The fds the init must keep until security_finish (seccomp listener
 * socket, the runtime's pid namespace); up to 2 stored in fds. */
size_t security_plan_fds(const struct security_plan *p, int fds[2]);
void security_plan_free(struct security_plan *p);

#endif
