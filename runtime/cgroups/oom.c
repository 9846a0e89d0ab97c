/* OOM notifications. v1: an eventfd registered through
 * cgroup.event_control on memory.oom_control (one count per OOM). v2:
 * inotify on memory.events; a rise of its oom_kill counter is an OOM. */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "stats.h"

struct cgroup_oom {
    int fd;
    bool v2;
    char *dir;
    uint64_t seen; /* v2: oom_kill count already reported */
};

static int open_v1(struct cgroup_oom *o, struct error **err)
{
    CLEANUP_FREE char *control = path_join(o->dir, "memory.oom_control");
    CLEANUP_CLOSE int cfd = open(control, O_RDONLY | O_CLOEXEC);
    if (cfd < 0)
        return error_set(err, errno, "open %s", control);
    o->fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
    if (o->fd < 0)
        return error_set(err, errno, "eventfd");
    return cg_writef(o->dir, "cgroup.event_control", err, "%d %d", o->fd, cfd);
}

static int open_v2(struct cgroup_oom *o, struct error **err)
{
    CLEANUP_FREE char *events = path_join(o->dir, "memory.events");
    o->fd = inotify_init1(IN_CLOEXEC | IN_NONBLOCK);
    if (o->fd < 0)
        return error_set(err, errno, "inotify_init1");
    if (inotify_add_watch(o->fd, events, IN_MODIFY) < 0)
        return error_set(err, errno, "watch %s", events);
    o->seen = st_keyed(o->dir, "memory.events", "oom_kill");
    return 0;
}

int cgroup_oom_open(const struct cgroup *cg, struct cgroup_oom **out, struct error **err)
{
    const char *dir = cgroup_path_of(cg, "memory");
    if (dir == NULL)
        return error_set(err, 0, "cgroup: no memory controller to watch for OOM");
    struct cgroup_oom *o = xcalloc(1, sizeof(*o));
    o->fd = -1;
    o->v2 = cg->mode == CGROUP_MODE_V2;
    o->dir = xstrdup(dir);
    if ((o->v2 ? open_v2(o, err) : open_v1(o, err)) < 0) {
        cgroup_oom_close(o);
        return -1;
    }
    *out = o;
    return 0;
}

int cgroup_oom_fd(const struct cgroup_oom *o) { return o->fd; }

unsigned cgroup_oom_read(struct cgroup_oom *o)
{
    if (!o->v2) {
        uint64_t n = 0;
        if (read(o->fd, &n, sizeof(n)) != sizeof(n))
            return 0;
        /* The eventfd also fires when the cgroup goes away: not an OOM. */
        return cg_has(o->dir, "memory.oom_control") ? (unsigned)n : 0;
    }
    char buf[4096];
    while (read(o->fd, buf, sizeof(buf)) > 0)
        ;
    uint64_t now = st_keyed(o->dir, "memory.events", "oom_kill");
    unsigned n = now > o->seen ? (unsigned)(now - o->seen) : 0;
    o->seen = now;
    return n;
}

void cgroup_oom_close(struct cgroup_oom *o)
{
    if (o == NULL)
        return;
    if (o->fd >= 0)
        close(o->fd);
    free(o->dir);
    free(o);
}
