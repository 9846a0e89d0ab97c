/* The state directory of one container: <root>/<id>/ holding state.json
 * (the runtime-spec state plus what later invocations need), the exec fifo
 * of a created container, and the lock (an flock on the directory itself,
 * so no extra file has to be created on the fast path). */
#ifndef RUNTIME_STATE_H
#define RUNTIME_STATE_H

#include <stdbool.h>
#include <stdint.h>
#include <sys/types.h>
#include <yajl/yajl_gen.h>

#include "common/error.h"
#include "common/spec.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/linux/namespaces.h"

#define STATE_FILE "state.json"
#define STATE_EXEC_FIFO "exec.fifo"
/* A created container with a seccomp notify filter: the listener's message
 * (from create) and the init's notify fd number (after start) for start. */
#define STATE_NOTIFY_FIFO "notify.fifo"

enum container_status { STATUS_CREATING, STATUS_CREATED, STATUS_RUNNING, STATUS_STOPPED, STATUS_PAUSED };
const char *container_status_name(enum container_status s);

struct container_state {
    char *oci_version;
    char *id;
    pid_t pid;
    uint64_t pid_start_time; /* field 22 of /proc/PID/stat */
    char *bundle;
    char *rootfs;
    char *created;           /* RFC 3339, UTC */
    uid_t owner;
    struct cgroup *cgroup;
    char *ns_paths[NS_KINDS]; /* NULL: the namespace is the host's */
    struct spec_kv *annotations;
    size_t n_annotations;
};

void container_state_free(struct container_state *st);
void container_state_freep(struct container_state **st);
#define CLEANUP_STATE CLEANUP(container_state_freep)

/* Validate a container id (no '/', not "." or "..", printable). */
int state_check_id(const char *id, struct error **err);
char *state_dir_path(const char *root, const char *id);

/* Make <root>/<id>/ and lock it; EXIT_STATE if it exists already. Returns
 * the directory fd (O_CLOEXEC). */
int state_dir_create(const char *root, const char *id, struct error **err);
/* Open and lock an existing container's directory; EXIT_NOTFOUND with
 * "container ID does not exist" when absent. */
int state_dir_open(const char *root, const char *id, struct error **err);
/* Remove the directory (holding its lock). */
int state_dir_remove(const char *root, const char *id, struct error **err);

int state_write(const char *root, const struct container_state *st, struct error **err);
/* EXIT_NOTFOUND "does not exist" when the container has no state yet. */
int state_read(const char *root, const char *id, struct container_state **out, struct error **err);

/* The live truth: creating while no init is recorded yet (pid 0); stopped
 * unless st->pid is alive with the recorded start time; paused while its
 * cgroup is frozen (as runc, before created); created while the exec fifo
 * exists; running otherwise. */
enum container_status state_status(const char *root, const struct container_state *st);
/* Start time of a process (field 22 of /proc/PID/stat), 0 if gone. */
uint64_t proc_start_time(pid_t pid);

/* The runtime-spec / runc `state` JSON object. */
/* owner: "" for state (as runc), the owner's user name for list */
void state_emit_public(yajl_gen g, const struct container_state *st, enum container_status status, const char *owner);

/* --pid-file of create, run and exec: the pid, written atomically (NULL: nothing). */
int write_pid_file(const char *path, pid_t pid, struct error **err);

#endif
