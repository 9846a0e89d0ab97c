/* runtime state ID: the container's state as runc prints it. */
#include <stdio.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static const struct cmd_info info = { "state", "CONTAINER_ID", "" };

int cmd_state(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    const char *id = NULL;
    int r = cmd_parse_id(argc, argv, &info, &id, err);
    if (r != 0)
        return r > 0 ? 0 : -1;
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    if (container_load(g->root, id, &st, &status, err) < 0)
        return -1;
    CLEANUP_JSON_GEN yajl_gen gen = cmd_json_gen();
    state_emit_public(gen, st, status);
    cmd_json_print(gen);
    return 0;
}
