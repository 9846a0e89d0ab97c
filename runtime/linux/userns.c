/* uid_map/gid_map of a new user namespace. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "runtime/linux/ids.h"
#include "runtime/linux/userns.h"
#include "runtime/rootless.h"

int userns_validate(const struct spec *s, bool new_userns, struct error **err)
{
    const struct spec_linux *l = s->linux_;
    size_t nu = l ? l->n_uid_mappings : 0, ng = l ? l->n_gid_mappings : 0;
    if (!new_userns && (nu || ng))
        return error_setc(err, EXIT_INVALID, 0,
                          "linux.uidMappings/gidMappings: set without a new user namespace");
    if (new_userns && (!nu || !ng))
        return error_setc(err, EXIT_INVALID, 0,
                          "linux.namespaces: a new user namespace needs linux.uidMappings and linux.gidMappings");
    for (size_t i = 0; i < nu + ng; i++) {
        const struct spec_id_mapping *m = i < nu ? &l->uid_mappings[i] : &l->gid_mappings[i - nu];
        const char *name = i < nu ? "uidMappings" : "gidMappings";
        size_t k = i < nu ? i : i - nu;
        if (m->size == 0)
            return error_setc(err, EXIT_INVALID, 0, "linux.%s[%zu].size: must be > 0", name, k);
        char what[64];
        snprintf(what, sizeof(what), "linux.%s[%zu]: containerID + size - 1", name, k);
        if (id_check_max((uint64_t)m->container_id + m->size - 1, MAP_ID_MAX, what, err) < 0)
            return -1;
        snprintf(what, sizeof(what), "linux.%s[%zu]: hostID + size - 1", name, k);
        if (id_check_max((uint64_t)m->host_id + m->size - 1, MAP_ID_MAX, what, err) < 0)
            return -1;
    }
    return 0;
}

static int write_map(pid_t pid, const char *file, const struct spec_id_mapping *m, size_t n,
                     struct error **err)
{
    char buf[4096];
    size_t len = 0;
    for (size_t i = 0; i < n; i++) {
        int w = snprintf(buf + len, sizeof(buf) - len, "%u %u %u\n", m[i].container_id,
                         m[i].host_id, m[i].size);
        if (w < 0 || (size_t)w >= sizeof(buf) - len)
            return error_setc(err, EXIT_INVALID, 0, "%s: too many mappings", file);
        len += w;
    }
    char path[64];
    snprintf(path, sizeof(path), "/proc/%d/%s", (int)pid, file);
    CLEANUP_CLOSE int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    /* The kernel takes a map in one write only. */
    if (write(fd, buf, len) != (ssize_t)len)
        return error_set(err, errno, "write %s (linux.%s)", path,
                         strcmp(file, "uid_map") == 0 ? "uidMappings" : "gidMappings");
    return 0;
}

int userns_write_maps(pid_t pid, const struct spec_linux *l, struct error **err)
{
    if (rootless_mode() && geteuid() != 0)
        return rootless_write_maps(pid, l, err);
    if (write_map(pid, "uid_map", l->uid_mappings, l->n_uid_mappings, err) < 0)
        return -1;
    return write_map(pid, "gid_map", l->gid_mappings, l->n_gid_mappings, err);
}
