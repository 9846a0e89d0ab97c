/* runtime pause ID / runtime resume ID: freeze every process of the
 * container (its cgroup), or thaw them. One file: each is the other's undo. */
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static int pause_cmd(const struct cli_args *a, struct error **err)
{
    return container_pause(cmd_globals(a)->root, a->argv[0], err);
}

static int resume_cmd(const struct cli_args *a, struct error **err)
{
    return container_resume(cmd_globals(a)->root, a->argv[0], err);
}

const struct cli_command cmd_pause = {
    .name = "pause",
    .fn = pause_cmd,
    .summary = "suspend every process of a container (freeze its cgroup)",
    .synopsis = "CONTAINER_ID",
    .description = "Returns once the kernel reports the cgroup frozen; `state` then says \"paused\".\n",
    .min_args = 1,
    .max_args = 1,
};

const struct cli_command cmd_resume = {
    .name = "resume",
    .fn = resume_cmd,
    .summary = "resume every process of a paused container",
    .synopsis = "CONTAINER_ID",
    .min_args = 1,
    .max_args = 1,
};
