/* process.terminal inside the container: a pty from the container's own
 * devpts instance (/dev/ptmx -> pts/ptmx), the slave as the process's
 * controlling terminal and stdio, /dev/console bound to it for the init. */
#ifndef RUNTIME_LINUX_TERMINAL_H
#define RUNTIME_LINUX_TERMINAL_H

#include <stdbool.h>

#include "common/error.h"
#include "common/spec.h"

/* In the init (after pivot_root) or the exec child (after joining the mount
 * namespace), still privileged: open the pty, size it (consoleSize), give
 * the slave to the process's user, bind it onto /dev/console when
 * bind_console, make it the controlling terminal of a new session and
 * stdin/stdout/stderr. Returns the master fd (O_CLOEXEC) for the parent. */
int terminal_setup(const struct spec_process *p, bool bind_console, struct error **err);

#endif
