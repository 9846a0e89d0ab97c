/* runtime start ID: let a created container's process exec. */
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static const struct cmd_info info = { "start", "CONTAINER_ID", "" };

int cmd_start(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    const char *id = NULL;
    int r = cmd_parse_id(argc, argv, &info, &id, err);
    if (r != 0)
        return r > 0 ? 0 : -1;
    return container_start(g->root, id, err);
}
