/* What Docker gives a container without extra privileges: namespaces,
 * mounts, capabilities, seccomp, masked and read-only paths, device rules. The image
 * and the command line fill in the rest (config.c). */
#ifndef IMAGETOOL_CONFIG_DEFAULTS_H
#define IMAGETOOL_CONFIG_DEFAULTS_H

#include <stdbool.h>

#include "common/spec.h"

#define DEFAULT_PATH_ENV "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"

struct default_opts {
    bool host_network;  /* --net host: no network namespace */
    bool cgroup_ns;     /* private cgroup namespace (Docker does so on cgroup v2 hosts) */
    bool read_only;     /* --read-only */
};

/* A new spec with root "rootfs", an empty process (terminal off, uid 0,
 * cwd "/", the default capabilities) and the Linux defaults. */
struct spec *defaults_new_spec(const struct default_opts *o);

/* True when /sys/fs/cgroup is a pure cgroup v2 mount. */
bool host_is_cgroup2(void);

#endif
