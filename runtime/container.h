/* The container lifecycle: create (clone the init and set it up), start,
 * kill, delete, and loading a container's state with its live status. */
#ifndef RUNTIME_CONTAINER_H
#define RUNTIME_CONTAINER_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "runtime/cgroups/cgroup.h"
#include "runtime/state.h"

struct create_opts {
    const char *id;
    const char *bundle;         /* default: the current directory */
    const char *pid_file;
    const char *console_socket; /* refused: not supported yet */
    bool no_pivot;
    int preserve_fds;
    bool run;                   /* exec right after set-up: no exec fifo */
};

/* A container this process created (for run: start, wait, clean up). */
struct launch {
    char *root, *id;
    pid_t pid;
    int pidfd;
    int sync_fd;
    struct cgroup *cgroup;
    bool own_pidns;  /* the init's death ends every process of the container */
};

int container_create(const char *root, const struct create_opts *o, struct launch *l,
                     struct error **err);
/* run: wait until the init exec'd (or failed to set up or exec). */
int container_run_wait_exec(struct launch *l, struct error **err);
/* run: remove the cgroup and the state directory after the init exited. */
void container_run_cleanup(struct launch *l);
void launch_release(struct launch *l);

/* State plus the live status; not locked. */
int container_load(const char *root, const char *id, struct container_state **st,
                   enum container_status *status, struct error **err);
int container_start(const char *root, const char *id, struct error **err);
int container_kill(const char *root, const char *id, int sig, bool all, struct error **err);
int container_delete(const char *root, const char *id, bool force, struct error **err);

#endif
