/* process.apparmorProfile and process.selinuxLabel: refused where the host
 * lacks the LSM, applied on exec where it has it. */
#ifndef RUNTIME_SECURITY_LSM_H
#define RUNTIME_SECURITY_LSM_H

#include "common/error.h"
#include "common/spec.h"

int lsm_validate(const struct spec_process *p, struct error **err);
/* In the init process, before exec: the labels take effect at execve. */
int lsm_apply(const char *apparmor_profile, const char *selinux_label, struct error **err);

#endif
