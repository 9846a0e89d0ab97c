/* Signal names for `kill`, and `run`'s forwarding of the signals it gets to
 * the container's init until the init exits. */
#ifndef RUNTIME_SIGNALS_H
#define RUNTIME_SIGNALS_H

#include <signal.h>
#include <sys/types.h>

#include "common/error.h"

/* "KILL", "SIGKILL", "kill", "9" -> 9. EXIT_USAGE when unknown. */
int signal_parse(const char *s, int *sig, struct error **err);

/* Block every asynchronous signal (the init inherits the mask and resets it
 * at exec), so none is lost before forwarding starts. */
void signals_block_all(sigset_t *old);
/* Forward signals to pid until it exits; returns its exit code as a shell
 * reports it (status, or 128+N after signal N). */
int signals_forward_until_exit(pid_t pid);

#endif
