/* The default seccomp profile imagetool writes into config.json. */
#ifndef IMAGETOOL_CONFIG_SECCOMP_DEFAULT_H
#define IMAGETOOL_CONFIG_SECCOMP_DEFAULT_H

#include "common/spec.h"

/* Where the profile will run: a Go architecture name as Docker uses them
 * (amd64, arm64, s390x, ...) and the kernel's major.minor version. */
struct seccomp_target {
    const char *arch;
    unsigned kernel_major, kernel_minor;
};

/* Docker's default profile resolved for a process with capability set caps
 * (the bounding set the bundle grants, NULL-terminated) on this machine's
 * architecture and running kernel, as Docker resolves it on its host. */
struct spec_seccomp *seccomp_default_profile(char *const *caps);
struct spec_seccomp *seccomp_default_profile_for(const struct seccomp_target *t, char *const *caps);
const char *seccomp_native_arch(void);
/* 0.0 when uname's release cannot be read. */
void seccomp_running_kernel(unsigned *major, unsigned *minor);

#endif
