/* runtime state ID: the container's state as runc prints it. */
#include <stdio.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static int state(const struct cli_args *a, struct error **err)
{
    const char *id = a->argv[0];
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    if (container_load(cmd_globals(a)->root, id, &st, &status, err) < 0)
        return -1;
    CLEANUP_JSON_GEN yajl_gen gen = cmd_json_gen();
    state_emit_public(gen, st, status, "");
    cmd_json_print(gen);
    return 0;
}

const struct cli_command cmd_state = {
    .name = "state",
    .fn = state,
    .summary = "print a container's state as JSON",
    .synopsis = "CONTAINER_ID",
    .min_args = 1,
    .max_args = 1,
};
