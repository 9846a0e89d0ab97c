/* runtime create [options] ID: set the container up; its process waits for `start`. */
#include <stdlib.h>
#include <string.h>

#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

enum { OPT_PID_FILE = 256, OPT_CONSOLE, OPT_NO_PIVOT, OPT_NO_KEYRING, OPT_PRESERVE_FDS };

int cmd_create_options(int argc, char **argv, const struct cmd_info *info, struct create_opts *o,
                       bool *detach, struct error **err)
{
    static const struct option opts[] = {
        { "bundle", required_argument, NULL, 'b' },
        { "pid-file", required_argument, NULL, OPT_PID_FILE },
        { "console-socket", required_argument, NULL, OPT_CONSOLE },
        { "no-pivot", no_argument, NULL, OPT_NO_PIVOT },
        { "no-new-keyring", no_argument, NULL, OPT_NO_KEYRING },
        { "preserve-fds", required_argument, NULL, OPT_PRESERVE_FDS },
        { "detach", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    int c;
    char *end;
    while ((c = cmd_getopt(argc, argv, detach ? "+b:dh" : "+b:h", opts, info, err)) != -1) {
        switch (c) {
        case 'h': return 1;
        case '?': return -1;
        case 'b': o->bundle = optarg; break;
        case 'd':
            if (detach == NULL)
                return cmd_usage_error(info, err, "unknown option -d");
            *detach = true;
            break;
        case OPT_PID_FILE: o->pid_file = optarg; break;
        case OPT_CONSOLE: o->console_socket = optarg; break;
        case OPT_NO_PIVOT: o->no_pivot = true; break;
        case OPT_NO_KEYRING: break; /* no session keyring is ever made */
        case OPT_PRESERVE_FDS:
            o->preserve_fds = (int)strtol(optarg, &end, 10);
            if (*end || o->preserve_fds < 0 || o->preserve_fds > 4096)
                return cmd_usage_error(info, err, "--preserve-fds: expected a count, got '%s'", optarg);
            break;
        }
    }
    if (cmd_check_args(argc, argv, 1, 1, info, err) < 0)
        return -1;
    o->id = argv[optind];
    return 0;
}

static const struct cmd_info info = {
    "create", "[OPTIONS] CONTAINER_ID",
    "  -b, --bundle DIR         the bundle (default: the current directory)\n"
    "      --pid-file FILE      write the container init's pid to FILE\n"
    "      --console-socket P   (terminals are not supported yet)\n"
    "      --no-pivot           chroot instead of pivot_root\n"
    "      --no-new-keyring     accepted (no keyring is made)\n"
    "      --preserve-fds N     pass fds 3..3+N-1 to the container\n",
};

int cmd_create(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    struct create_opts o = { 0 };
    int rc = cmd_create_options(argc, argv, &info, &o, NULL, err);
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    struct launch l;
    if (container_create(g->root, &o, &l, err) < 0)
        return -1;
    launch_release(&l);
    return 0;
}
