/* One cgroup interface over two drivers: v1 (including hybrid hosts, where
 * the unified hierarchy is joined too) and v2. cgroupsPath semantics as
 * runc's: absolute paths are relative to each hierarchy's root, relative
 * ones to the runtime's own cgroup, empty means "<runtime cgroup>/<id>";
 * "slice:prefix:name" is the systemd form. */
#ifndef RUNTIME_CGROUP_H
#define RUNTIME_CGROUP_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"
#include "common/spec.h"

enum cgroup_mode { CGROUP_MODE_V1, CGROUP_MODE_HYBRID, CGROUP_MODE_V2 };
enum cgroup_mode cgroup_detect_mode(void);

struct cgroup;

/* Resolve the container's cgroup (nothing created yet). */
int cgroup_new(const char *cgroups_path, const char *id, struct cgroup **out, struct error **err);
/* Create the directories, apply r (may be NULL) and move pid in. On error,
 * whatever was created is removed again. */
int cgroup_create(struct cgroup *cg, const struct spec_resources *r, pid_t pid, struct error **err);
/* Write new resources into the existing directories (update). */
int cgroup_update(struct cgroup *cg, const struct spec_resources *r, struct error **err);
/* Move another process in (exec, later). */
int cgroup_enter(struct cgroup *cg, pid_t pid, struct error **err);
/* Processes in the container's cgroup. */
int cgroup_pids(struct cgroup *cg, pid_t **pids, size_t *n, struct error **err);
/* Signal every process in it (kill --all). */
int cgroup_signal_all(struct cgroup *cg, int sig, struct error **err);
/* Remove the directories (processes must be gone; waits briefly for them). */
int cgroup_destroy(struct cgroup *cg, struct error **err);
/* Freeze or thaw (pause/resume). */
int cgroup_freeze(struct cgroup *cg, bool frozen, struct error **err);
/* Is it frozen now (v1 freezer.state FROZEN, v2 cgroup.freeze 1)? */
bool cgroup_is_frozen(const struct cgroup *cg);
/* Frozen or on the way, its own setting or an ancestor's (v1
 * freezer.state not THAWED, v2 cgroup.events "frozen 1" or cgroup.freeze 1). */
bool cgroup_is_freezing(const struct cgroup *cg);

/* runc's stats object (`events --stats`'s "data") from the cgroup's files. */
void cgroup_stats_emit(const struct cgroup *cg, yajl_gen g);
/* OOM notifications: an fd to poll (v1: an eventfd registered on
 * memory.oom_control; v2: inotify on memory.events), then
 * cgroup_oom_read for the number of new OOM kills since the last call. */
struct cgroup_oom;
int cgroup_oom_open(const struct cgroup *cg, struct cgroup_oom **out, struct error **err);
int cgroup_oom_fd(const struct cgroup_oom *o);
unsigned cgroup_oom_read(struct cgroup_oom *o);
void cgroup_oom_close(struct cgroup_oom *o);

/* Persist in state.json and get it back in a later invocation. */
void cgroup_emit(const struct cgroup *cg, yajl_gen g);
int cgroup_parse(yajl_val v, struct cgroup **out, struct error **err);

/* Path (for humans and tests) of a controller's directory, e.g. "memory";
 * on v2 any controller gives the one unified directory. NULL if absent. */
const char *cgroup_path_of(const struct cgroup *cg, const char *controller);

void cgroup_free(struct cgroup *cg);
void cgroup_freep(struct cgroup **cg);
#define CLEANUP_CGROUP CLEANUP(cgroup_freep)

#endif
