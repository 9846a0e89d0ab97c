/* The default seccomp profile imagetool writes into config.json. */
#ifndef IMAGETOOL_SECCOMP_DEFAULT_H
#define IMAGETOOL_SECCOMP_DEFAULT_H

#include "common/spec.h"

/* Docker's default profile in effect, for a process with capability set
 * caps (the bounding set the bundle grants, NULL-terminated). */
struct spec_seccomp *seccomp_default_profile(char *const *caps);

#endif
