/* The process `exec` runs: from --process FILE, or from the container's
 * config.json process with CMD as its args; then the command-line
 * overrides on top (runc's getProcess). */
#ifndef RUNTIME_EXEC_PROCESS_H
#define RUNTIME_EXEC_PROCESS_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/spec.h"

struct exec_overrides {
    const char *process_file; /* -p/--process */
    char **args;              /* CMD ARGS (borrowed) when no process file */
    const char *cwd;          /* --cwd */
    const char *user;         /* -u/--user UID[:GID] */
    const char *process_label; /* --process-label */
    const char *apparmor;     /* --apparmor */
    const char **env;         /* -e/--env, appended (NULL-terminated) */
    const char **caps;        /* --cap, added to every set (NULL-terminated) */
    const char **gids;        /* -g/--additional-gids (NULL-terminated) */
    int tty;                  /* -1: not given (off unless the process file says so) */
    int no_new_privs;         /* -1: not given */
};

/* Build the process; config is the container's config.json (its process
 * is the base without --process). EXIT_USAGE for bad flag values,
 * EXIT_INVALID for a bad process file. */
int exec_process_build(const struct exec_overrides *o, const struct spec *config, struct spec_process **out,
                       struct error **err);

#endif
