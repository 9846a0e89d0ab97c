/* CVE-2019-5736: a container process must never reach the host's runtime
 * binary through /proc/PID/exe. The runtime re-executes itself from a
 * sealed memfd copy, so /proc/PID/exe is that copy, which nobody can write. */
#ifndef RUNTIME_SECURITY_CLONED_BINARY_H
#define RUNTIME_SECURITY_CLONED_BINARY_H

#include <stdbool.h>

/* For the commands that start container processes (create, run, exec:
 * CLI_SEALED_EXEC in their table row): returns 0 when already running from
 * a sealed copy, otherwise re-executes with the same argv (does not return)
 * or returns -1 with errno set (the caller must then refuse to run). Only
 * those commands pay for the copy (about 2.5 ms): the container's init is a
 * clone of their process, so only they are exposed through /proc/PID/exe. */
int ensure_cloned_binary(char **argv, char **envp);
/* Whether /proc/self/exe is a sealed copy. */
bool running_from_sealed_copy(void);

#endif
