/* The init's cheap ways into its cgroup (see cgroup_join.h). */
#include "runtime/linux/cgroup_join.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int cgroup_join_v2_fd(const struct cgroup *cg)
{
    enum cgroup_mode mode = cgroup_detect_mode();
    if (mode == CGROUP_MODE_V1)
        return -1;
    const char *dir = cgroup_path_of(cg, "unified");
    if (dir == NULL && mode == CGROUP_MODE_V2)
        dir = cgroup_path_of(cg, "memory"); /* on v2 any controller names the one directory */
    return dir ? open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC) : -1;
}

static int join_one(const char *dir, struct error **err)
{
    char path[4096];
    snprintf(path, sizeof(path), "%s/tasks", dir);
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "cgroup: open %s", path);
    /* "0" is the writer itself: no global lock, no grace period. */
    ssize_t n = write(fd, "0", 1);
    int e = errno;
    close(fd);
    return n == 1 ? 0 : error_set(err, e, "cgroup: join %s", dir);
}

int cgroup_join_self_v1(const struct cgroup *cg, struct error **err)
{
    char buf[8192];
    int fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open /proc/self/cgroup");
    ssize_t n = read(fd, buf, sizeof(buf) - 1);
    close(fd);
    if (n < 0)
        return error_set(err, errno, "read /proc/self/cgroup");
    buf[n] = '\0';
    char *save = NULL;
    for (char *line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
        /* "ID:controllers:path"; v1 hierarchies have controllers. */
        char *ctl = strchr(line, ':');
        if (ctl == NULL || ctl[1] == ':')
            continue;
        ctl++;
        ctl[strcspn(ctl, ",:")] = '\0';
        const char *dir = cgroup_path_of(cg, ctl);
        if (dir && join_one(dir, err) < 0)
            return -1;
    }
    return 0;
}
