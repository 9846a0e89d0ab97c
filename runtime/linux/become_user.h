/* The last steps of a container process before exec, shared by the init
 * and exec: limits, the bounding set, the user switch, capabilities, cwd
 * and umask, in runc's order. */
#ifndef RUNTIME_LINUX_BECOME_USER_H
#define RUNTIME_LINUX_BECOME_USER_H

#include "common/error.h"
#include "common/spec.h"
#include "runtime/security/security.h"

int process_become_user(const struct spec_process *p, const struct security_plan *sec, struct error **err);

#endif
