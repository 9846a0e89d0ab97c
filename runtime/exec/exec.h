/* runtime exec: run one more process in an existing container. */
#ifndef RUNTIME_EXEC_H
#define RUNTIME_EXEC_H

#include <stdbool.h>

#include "common/error.h"
#include "runtime/exec/exec_process.h"

struct exec_request {
    const char *id;
    struct exec_overrides process;
    const char *console_socket; /* with a terminal: where the pty master goes */
    const char *pid_file;
    bool detach;
    bool ignore_paused;
    int preserve_fds;
};

/* Detached: 0 once the process runs. In the foreground: the process's
 * exit code (128+N after signal N). -1 with *err when it could not start
 * (nothing is left running then). */
int container_exec(const char *root, const struct exec_request *r, struct error **err);

#endif
