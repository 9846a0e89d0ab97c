/* runtime kill [--all] ID [SIGNAL]: signal the init, or every process of
 * the container's cgroup. SIGNAL: name (KILL, SIGKILL) or number; default TERM. */
#include <signal.h>
#include <string.h>

#include "runtime/cmd/cmd.h"
#include "runtime/container.h"
#include "runtime/signals.h"

static int kill_cmd(const struct cli_args *a, struct error **err)
{
    int sig = SIGTERM;
    /* 0 is the existence probe (kill(2)'s): nothing is delivered. */
    if (a->argc > 1 && strcmp(a->argv[1], "0") == 0)
        sig = 0;
    else if (a->argc > 1 && signal_parse(a->argv[1], &sig, err) < 0)
        return -1;
    return container_kill(cmd_globals(a)->root, a->argv[0], sig, cli_has(a, "all"), err);
}

static const struct cli_option options[] = {
    { 'a', "all", CLI_NOARG, NULL, "signal every process in the container's cgroup (default: the init only)", NULL, 0 },
    { 0 },
};

const struct cli_command cmd_kill = {
    .name = "kill",
    .fn = kill_cmd,
    .summary = "send a signal to a container's init (or all its processes)",
    .synopsis = "CONTAINER_ID [SIGNAL]",
    .description = "SIGNAL: a name (KILL, SIGKILL, any case) or a number; default TERM. 0 only checks that the "
                   "container's init is alive (exit 0) or not (exit 7).\n",
    .options = options,
    .min_args = 1,
    .max_args = 2,
};
