/* runtime start ID: let a created container's process exec. */
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static const struct cmd_info info = { "start", "CONTAINER_ID", "" };

int cmd_start(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
    int c;
    while ((c = cmd_getopt(argc, argv, "+h", opts, &info, err)) != -1)
        if (c == 'h' || c == '?')
            return c == 'h' ? 0 : -1;
    if (cmd_check_args(argc, argv, 1, 1, &info, err) < 0)
        return -1;
    return container_start(g->root, argv[optind], err);
}
