/* runtime exec [options] ID [COMMAND [ARG...]]: run a process in a
 * running container (runc's flags; podman's conmon and containerd's shim
 * send `exec --process F --detach --pid-file P [--tty --console-socket S] ID`). */
#include <stdlib.h>

#include "common/cleanup.h"
#include "runtime/cmd/cmd.h"
#include "runtime/exec/exec.h"

static int exec_cmd(const struct cli_args *a, struct error **err)
{
    CLEANUP_FREE const char **env = cli_get_all(a, "env");
    CLEANUP_FREE const char **caps = cli_get_all(a, "cap");
    CLEANUP_FREE const char **gids = cli_get_all(a, "additional-gids");
    struct exec_request r = {
        .id = a->argv[0],
        .process = {
            .process_file = cli_get(a, "process", NULL),
            .args = a->argv + 1,
            .cwd = cli_get(a, "cwd", NULL),
            .user = cli_get(a, "user", NULL),
            .process_label = cli_get(a, "process-label", NULL),
            .apparmor = cli_get(a, "apparmor", NULL),
            .env = env,
            .caps = caps,
            .gids = gids,
            .tty = cli_has(a, "tty") ? 1 : -1,
            .no_new_privs = cli_has(a, "no-new-privs") ? 1 : -1,
        },
        .console_socket = cli_get(a, "console-socket", NULL),
        .pid_file = cli_get(a, "pid-file", NULL),
        .detach = cli_has(a, "detach"),
        .ignore_paused = cli_has(a, "ignore-paused"),
    };
    if (cmd_preserve_fds(a, &r.preserve_fds, err) < 0)
        return -1;
    return container_exec(cmd_globals(a)->root, &r, err);
}

static const struct cli_option options[] = {
    { 'p', "process", CLI_ARG, "FILE", "the process as a runtime-spec process JSON (instead of COMMAND)", NULL, 0 },
    { 'd', "detach", CLI_NOARG, NULL, "return once the process runs (default: wait and exit with its status)", NULL, 0 },
    { 0, "pid-file", CLI_ARG, "FILE", "write the process's host pid to FILE", "none", 0 },
    { 't', "tty", CLI_NOARG, NULL, "give the process a terminal", NULL, 0 },
    { 0, "console-socket", CLI_ARG, "PATH", "send the terminal's master fd to this unix socket", "none", 0 },
    { 0, "cwd", CLI_ARG, "DIR", "working directory in the container", "config.json's", 0 },
    { 'e', "env", CLI_ARG, "KEY=VALUE", "add an environment variable (repeatable)", NULL, 0 },
    { 'u', "user", CLI_ARG, "UID[:GID]", "run as this user (numeric ids; gid 0 when left out)", "config.json's", 0 },
    { 'g', "additional-gids", CLI_ARG, "GID", "add a supplementary group (repeatable)", NULL, 0 },
    { 'c', "cap", CLI_ARG, "CAP", "add a capability to every set (repeatable)", NULL, 0 },
    { 0, "process-label", CLI_ARG, "LABEL", "SELinux label of the process", "config.json's", 0 },
    { 0, "apparmor", CLI_ARG, "PROFILE", "AppArmor profile of the process", "config.json's", 0 },
    { 0, "no-new-privs", CLI_NOARG, NULL, "set no_new_privs for the process", NULL, 0 },
    { 0, "preserve-fds", CLI_ARG, "N", "pass fds 3..3+N-1 to the process", "0", 0 },
    { 0, "ignore-paused", CLI_NOARG, NULL, "exec even in a paused container", NULL, 0 },
    { 0 },
};

const struct cli_command cmd_exec = {
    .name = "exec",
    .fn = exec_cmd,
    .flags = CLI_SEALED_EXEC,
    .summary = "run a process in a running container",
    .synopsis = "CONTAINER_ID [COMMAND [ARG...]]",
    .description = "Joins every namespace and the cgroup of the container and runs COMMAND there (or the process "
                   "of --process FILE), with config.json's process as the default for user, env, cwd, "
                   "capabilities, rlimits and security. Refused on a stopped or paused container.",
    .options = options,
    .min_args = 1,
    .max_args = -1,
    .options_stop_after = 1,
};
