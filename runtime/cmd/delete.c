/* runtime delete [--force] ID: remove a stopped (or created) container;
 * --force kills a running one and succeeds for one already gone. */
#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

static const struct cmd_info info = {
    "delete", "[OPTIONS] CONTAINER_ID",
    "  -f, --force              kill a running container; a missing one is not an error\n",
};

int cmd_delete(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    static const struct option opts[] = {
        { "force", no_argument, NULL, 'f' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    bool force = false;
    int c;
    while ((c = cmd_getopt(argc, argv, "fh", opts, &info, err)) != -1) {
        if (c == 'h' || c == '?')
            return c == 'h' ? 0 : -1;
        if (c == 'f')
            force = true;
    }
    if (cmd_check_args(argc, argv, 1, 1, &info, err) < 0)
        return -1;
    return container_delete(g->root, argv[optind], force, err);
}
