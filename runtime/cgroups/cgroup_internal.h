/* Shared by the cgroup interface (cgroup.c) and its drivers (v1*.c, v2.c):
 * the object itself and the small file helpers every driver uses. */
#ifndef RUNTIME_CGROUP_INTERNAL_H
#define RUNTIME_CGROUP_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>

#include "cgroup.h"

#define CGROUP_MOUNT_ROOT "/sys/fs/cgroup"

/* One directory of the container's cgroup: one per v1 hierarchy, plus the
 * unified one on hybrid hosts, or the single unified one on v2. */
struct cgroup_dir {
    char *name;  /* "memory", "cpu,cpuacct", "name=systemd", "unified" */
    char *mount; /* the hierarchy's mount point (NULL when parsed from state) */
    char *path;  /* absolute directory of the container's cgroup */
};

struct cgroup {
    enum cgroup_mode mode;
    struct cgroup_dir *dirs;
    size_t n_dirs;
};

/* hierarchy.c: turn cgroupsPath into one directory per hierarchy. */
int cgroup_resolve_dirs(struct cgroup *cg, const char *cgroups_path, const char *id, struct error **err);
/* Clean a path like runc's CleanPath: no "." or "..", cannot climb above
 * its start; keeps a leading '/' when there was one. */
char *cgroup_clean_path(const char *p);

/* cgfile.c: one value into or out of a control file. Errors name the file
 * and the value ("write 209715200 to /sys/fs/cgroup/memory/x/memory.limit_in_bytes: ..."). */
int cg_write(const char *dir, const char *file, const char *value, struct error **err);
int cg_writef(const char *dir, const char *file, struct error **err, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Contents without the trailing newline. */
int cg_read(const char *dir, const char *file, char **out, struct error **err);
int cg_read_u64(const char *dir, const char *file, uint64_t *out, struct error **err);
bool cg_has(const char *dir, const char *file);
/* A hugepageLimits pageSize fit for a file name ("2MB"), or EXIT_INVALID. */
int cg_check_page_size(const char *size, struct error **err);
/* Add pid to cgroup.procs of dir. */
int cg_attach(const char *dir, pid_t pid, struct error **err);

/* Does the comma-separated list ("cpu,cpuacct") hold token? */
bool cg_list_has(const char *list, const char *token);
/* Directory of a hierarchy that holds the controller, or NULL. */
const struct cgroup_dir *cgroup_dir_of(const struct cgroup *cg, const char *controller);

/* v1.c and v1_devices.c */
int cg_v1_apply(struct cgroup *cg, const struct spec_resources *r, struct error **err);
int cg_v1_devices(const char *dir, const struct spec_device_rule *rules, size_t n, struct error **err);
/* Give a new cpuset directory its parent's cpus and mems (v1 leaves them empty). */
int cg_v1_cpuset_inherit(const char *dir, struct error **err);

/* v2.c */
int cg_v2_apply(struct cgroup *cg, const struct spec_resources *r, struct error **err);
/* v2_devices.c: the device rules (v2 has no devices files: eBPF). */
int cg_v2_devices(const char *dir, const struct spec_device_rule *rules, size_t n, struct error **err);
/* Enable in dir's cgroup.subtree_control every controller dir offers. */
void cg_v2_enable_controllers(const char *dir);
/* runc's conversions, exposed for the unit test. */
uint64_t cg_v2_weight_from_shares(uint64_t shares);
uint64_t cg_v2_io_weight_from_blkio(uint64_t weight);
int cg_v2_swap_value(int64_t limit, int64_t swap, int64_t *out, struct error **err);

/* tree.c: creating and removing directories, processes, freezing. */
int cg_make_dirs(struct cgroup *cg, char ***created, struct error **err);
void cg_remove_created(char **created);
/* Give up directory i (a hybrid host's unified one that failed): remove
 * what we created beneath its mount point and drop it from cg. */
void cg_forget_dir(struct cgroup *cg, size_t i, char **created);

#endif
