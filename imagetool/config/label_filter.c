/* Image labels that are not copied into config.json annotations: the
 * prefixes other runtimes and shims act on. An image is untrusted input;
 * its labels must not choose a seccomp program, a handler, a plugin to
 * dlopen, systemd unit properties or a hypervisor. */
#include <stdbool.h>
#include <string.h>

#include "imagetool/config/config.h"

static const char *const control_prefixes[] = {
    "run.oci.",              /* crun: seccomp_bpf_data, handler, seccomp.plugins, keep_original_groups, ... */
    "org.criu.",             /* CRIU configuration files for checkpoint/restore */
    "io.kubernetes.cri.",    /* containerd's CRI plugin */
    "io.kubernetes.cri-o.",  /* CRI-O: devices, userns mode, ... */
    "io.containerd.",        /* containerd and its shims */
    "io.katacontainers.",    /* Kata: hypervisor path, kernel parameters, ... */
    "org.systemd.property.", /* runc and crun: properties of the container's systemd unit */
    "module.wasm.image/",    /* crun's wasm handler selection */
    "dev.gvisor.",           /* gVisor's runsc */
    NULL,
};

bool label_is_control(const char *key)
{
    for (const char *const *p = control_prefixes; *p; p++)
        if (strncasecmp(key, *p, strlen(*p)) == 0)
            return true;
    return false;
}
