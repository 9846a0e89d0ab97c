/* runtime delete [--force] ID: remove a stopped (or created) container;
 * --force kills a running one and succeeds for one already gone. */
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static int delete(const struct cli_args *a, struct error **err)
{
    return container_delete(cmd_globals(a)->root, a->argv[0], cli_has(a, "force"), err);
}

static const struct cli_option options[] = {
    { 'f', "force", CLI_NOARG, NULL, "kill a running container first; a missing one is not an error", NULL, 0 },
    { 0 },
};

const struct cli_command cmd_delete = {
    .name = "delete",
    .fn = delete,
    .summary = "delete a container and its resources",
    .synopsis = "CONTAINER_ID",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
