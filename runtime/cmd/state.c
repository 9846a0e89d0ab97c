/* runtime state ID: the container's state as runc prints it. */
#include <stdio.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static const struct cmd_info info = { "state", "CONTAINER_ID", "" };

int cmd_state(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
    int c;
    while ((c = cmd_getopt(argc, argv, "+h", opts, &info, err)) != -1)
        if (c == 'h' || c == '?')
            return c == 'h' ? 0 : -1;
    if (cmd_check_args(argc, argv, 1, 1, &info, err) < 0)
        return -1;
    CLEANUP_STATE struct container_state *st = NULL;
    enum container_status status;
    if (container_load(g->root, argv[optind], &st, &status, err) < 0)
        return -1;
    CLEANUP_JSON_GEN yajl_gen gen = cmd_json_gen();
    state_emit_public(gen, st, status);
    cmd_json_print(gen);
    return 0;
}
