/* pause and resume: freeze and thaw the container's cgroup (v1 freezer,
 * v2 cgroup.freeze), returning once the kernel reports the new state. */
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/container.h"

static int load_with_cgroup(const char *root, const char *id, struct container_state **st,
                            enum container_status *status, struct error **err)
{
    int fd = container_open_locked(root, id, st, status, err);
    if (fd >= 0 && (*st)->cgroup == NULL) {
        close(fd);
        return error_setc(err, EXIT_STATE, 0, "container %s has no cgroup", id);
    }
    return fd;
}

int container_pause(const char *root, const char *id, struct error **err)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_CLOSE int dirfd = load_with_cgroup(root, id, &st, &status, err);
    if (dirfd < 0)
        return -1;
    if (status != STATUS_RUNNING && status != STATUS_CREATED)
        return error_setc(err, EXIT_STATE, 0, "cannot pause container %s: it is %s, not running", id,
                          container_status_name(status));
    if (cgroup_freeze(st->cgroup, true, err) < 0) {
        cgroup_freeze(st->cgroup, false, NULL);
        return error_prefix(err, "pause %s", id);
    }
    return 0;
}

int container_resume(const char *root, const char *id, struct error **err)
{
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    CLEANUP_CLOSE int dirfd = load_with_cgroup(root, id, &st, &status, err);
    if (dirfd < 0)
        return -1;
    if (status != STATUS_PAUSED)
        return error_setc(err, EXIT_STATE, 0, "cannot resume container %s: it is %s, not paused", id,
                          container_status_name(status));
    if (cgroup_freeze(st->cgroup, false, err) < 0)
        return error_prefix(err, "resume %s", id);
    return 0;
}
