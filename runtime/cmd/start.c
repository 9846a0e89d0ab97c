/* runtime start ID: let a created container's process exec. */
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static int start(const struct cli_args *a, struct error **err)
{
    const char *id = a->argv[0];
    return container_start(cmd_globals(a)->root, id, err);
}

const struct cli_command cmd_start = {
    .name = "start",
    .fn = start,
    .summary = "start the process of a created container",
    .synopsis = "CONTAINER_ID",
    .min_args = 1,
    .max_args = 1,
};
