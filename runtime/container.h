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
    int listen_fds;             /* systemd socket activation: fds 3.. handed on first */
    bool no_new_keyring;        /* keep the caller's session keyring */
    bool keep;                  /* run: keep the stopped container (no removal) */
    bool run;                   /* exec right after set-up: no exec fifo */
    bool detach;                /* run -d (create always is): a terminal needs a console socket */
};

struct notify_relay;

/* A container this process created (for run: start, wait, clean up). */
struct launch {
    char *root, *id;
    pid_t pid;
    int pidfd;
    int sync_fd;
    struct cgroup *cgroup;
    bool own_pidns;  /* the init's death ends every process of the container */
    int pty_master;  /* run in the foreground with process.terminal: to relay */
    struct spec *spec; /* config.json (hooks) */
    char *bundle;
    const char *console_socket;
    struct notify_relay *notify; /* run with a seccomp notify rule: where the init's notify fd goes */
};

int container_create(const char *root, const struct create_opts *o, struct launch *l,
                     struct error **err);
/* Read the init's messages until one of type `until` (enum sync_type):
 * a terminal's master goes to the console socket or into pty_master; an
 * error or an early end is the init's error. */
int launch_wait(struct launch *l, int until, struct error **err);
/* run: wait until the init exec'd (or failed to set up or exec). */
int container_run_wait_exec(struct launch *l, struct error **err);
/* run: the poststart hooks once the process runs; a failure kills it. */
int launch_poststart(struct launch *l, struct error **err);
/* run: remove the cgroup and the state directory after the init exited,
 * then run the poststop hooks. */
void container_run_cleanup(struct launch *l);
void launch_release(struct launch *l);

/* State plus the live status; not locked. */
int container_load(const char *root, const char *id, struct container_state **st,
                   enum container_status *status, struct error **err);
/* Lock the container's directory and load; returns the directory fd (the
 * lock: the caller closes it). */
int container_open_locked(const char *root, const char *id, struct container_state **st,
                          enum container_status *status, struct error **err);
int container_start(const char *root, const char *id, struct error **err);
int container_kill(const char *root, const char *id, int sig, bool all, struct error **err);
int container_delete(const char *root, const char *id, bool force, struct error **err);
/* pause (freeze the cgroup, waiting until it is frozen) and resume (thaw). */
int container_pause(const char *root, const char *id, struct error **err);
int container_resume(const char *root, const char *id, struct error **err);
/* Apply new limits (r's device rules are ignored) to a container that is not stopped. */
int container_update(const char *root, const char *id, const struct spec_resources *r, struct error **err);

#endif
