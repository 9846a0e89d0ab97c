/* Device rules on cgroup v2: there the kernel takes them only as an eBPF
 * program attached to the cgroup, which this driver does not build yet. */
#include "cgroup_internal.h"
#include "common/log.h"

int cg_v2_devices(const char *dir, const struct spec_device_rule *rules, size_t n, struct error **err)
{
    (void)rules, (void)err;
    log_warn("linux.resources.devices: %zu rule(s) not enforced on cgroup v2 (needs eBPF, not supported yet) for %s",
             n, dir);
    return 0;
}
