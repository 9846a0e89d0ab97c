/* update: new linux.resources for a live container's cgroup. */
#include "common/cleanup.h"
#include "runtime/container.h"

int container_update(const char *root, const char *id, const struct spec_resources *r, struct error **err)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_CLOSE int dirfd = container_open_locked(root, id, &st, &status, err);
    if (dirfd < 0)
        return -1;
    if (status == STATUS_STOPPED)
        return error_setc(err, EXIT_STATE, 0, "cannot update container %s: it is stopped", id);
    if (st->cgroup == NULL)
        return error_setc(err, EXIT_STATE, 0, "container %s has no cgroup", id);
    /* Device rules are not updated (as runc): only the limits. */
    struct spec_resources limits = *r;
    limits.devices = NULL;
    limits.n_devices = 0;
    if (cgroup_update(st->cgroup, &limits, err) < 0)
        return error_prefix(err, "update %s", id);
    return 0;
}
