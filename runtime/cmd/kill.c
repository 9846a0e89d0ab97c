/* runtime kill [--all] ID [SIGNAL]: signal the init, or every process of
 * the container's cgroup. SIGNAL: name (KILL, SIGKILL) or number; default TERM. */
#include <signal.h>

#include "runtime/cmd/cmd.h"
#include "runtime/container.h"
#include "runtime/signals.h"

static const struct cmd_info info = {
    "kill", "[OPTIONS] CONTAINER_ID [SIGNAL]",
    "  -a, --all                signal every process in the container's cgroup\n",
};

int cmd_kill(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    static const struct option opts[] = {
        { "all", no_argument, NULL, 'a' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    bool all = false;
    int c;
    while ((c = cmd_getopt(argc, argv, "ah", opts, &info, err)) != -1) {
        if (c == 'h' || c == '?')
            return c == 'h' ? 0 : -1;
        if (c == 'a')
            all = true;
    }
    if (cmd_check_args(argc, argv, 1, 2, &info, err) < 0)
        return -1;
    int sig = SIGTERM;
    if (optind + 1 < argc && signal_parse(argv[optind + 1], &sig, err) < 0)
        return -1;
    return container_kill(g->root, argv[optind], sig, all, err);
}
