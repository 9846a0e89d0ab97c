/* The caller's side of a container's terminal: the pty master goes either
 * to a --console-socket (as runc sends it: SCM_RIGHTS, with the name
 * "/dev/ptmx" as data), or, in a foreground run or exec, is relayed to the
 * caller's own stdin/stdout. */
#ifndef RUNTIME_TERMINAL_H
#define RUNTIME_TERMINAL_H

#include <stdbool.h>
#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

/* Check the combination before anything runs (runc's rules): a terminal
 * without a console socket needs a foreground caller; a console socket
 * needs a terminal. EXIT_USAGE. */
int terminal_check(bool terminal, const char *console_socket, bool detached, struct error **err);

/* A foreground process with a terminal starts with the caller's window
 * size (unless config.json gives consoleSize): the relay's own copy comes
 * only after the process runs, which could read 0x0 before it. */
void terminal_size_from_caller(struct spec_process *p, const char *console_socket, bool detached);

/* Connect to the unix socket at path and send master over it. */
int terminal_send_master(const char *path, int master, struct error **err);

/* Foreground: relay stdin -> master and master -> stdout, put the caller's
 * terminal (when stdin is one) in raw mode and copy its window size to the
 * container's on SIGWINCH, forward every other signal to pid, until pid
 * exits. Signals must be blocked already (signals_block_all). Returns pid's
 * exit code as a shell reports it. */
int terminal_relay_until_exit(pid_t pid, int master);

#endif
