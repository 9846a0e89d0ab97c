/* The rules of the default seccomp profile, in the shape Docker's profile
 * uses: each rule applies to an architecture, a capability set and a
 * kernel version only when its conditions hold. seccomp_default.c turns
 * them into the linux.seccomp object of one container. */
#ifndef IMAGETOOL_CONFIG_SECCOMP_RULES_H
#define IMAGETOOL_CONFIG_SECCOMP_RULES_H

#include <stddef.h>
#include <stdint.h>

struct seccomp_rule_arg {
    uint32_t index;
    uint64_t value;
    const char *op;
};

struct seccomp_rule {
    const char *const *names;
    const char *action;        /* SCMP_ACT_ALLOW or SCMP_ACT_ERRNO */
    uint32_t errno_ret;        /* 0: none given */
    struct seccomp_rule_arg arg; /* op NULL: no condition */
    /* includes: all must hold (arch in the list, every cap held, kernel >= min) */
    const char *const *arches; /* Go architecture names, as Docker's: amd64, arm64, ... */
    const char *const *caps;
    unsigned min_major, min_minor;
    /* excludes: none may hold */
    const char *const *not_arches;
    const char *const *not_caps;
};

extern const struct seccomp_rule seccomp_rules[];
extern const size_t seccomp_n_rules;

#endif
