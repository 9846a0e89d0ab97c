/* Device rules reduced to what both drivers enforce: a default (allow or
 * deny everything) and the exceptions after it, in order. */
#ifndef RUNTIME_CGROUP_DEVICES_H
#define RUNTIME_CGROUP_DEVICES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/spec.h"

struct dev_rule {
    bool allow;
    char type;            /* a c b */
    int64_t major, minor; /* -1 = any */
    const char *access;   /* some of "rwm" */
};

struct dev_rules {
    bool reset;         /* a rule of type "a" set the default */
    bool default_allow; /* true when nothing reset it */
    struct dev_rule *list;
    size_t n;
};

/* A rule of type "a" resets the default and forgets what came before (the
 * v1 kernel's semantics), so only the rules after the last one count. When
 * the default is deny, runc's default allow list (null, zero, full, random,
 * urandom, tty, ptmx, pts, tun, mknod of anything) follows. */
void dev_rules_reduce(const struct spec_device_rule *rules, size_t n, struct dev_rules *out);
void dev_rules_free(struct dev_rules *r);

#endif
