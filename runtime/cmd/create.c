/* runtime create [options] ID: set the container up; its process waits for `start`. */
#include <stdlib.h>
#include <string.h>

#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

int cmd_create_options(const struct cli_args *a, struct create_opts *o, struct error **err)
{
    o->id = a->argv[0];
    o->bundle = cli_get(a, "bundle", NULL);
    o->pid_file = cli_get(a, "pid-file", NULL);
    o->console_socket = cli_get(a, "console-socket", NULL);
    o->no_pivot = cli_has(a, "no-pivot");
    const char *fds = cli_get(a, "preserve-fds", NULL);
    if (fds) {
        char *end;
        long n = strtol(fds, &end, 10);
        if (*fds == 0 || *end || n < 0 || n > 4096)
            return cli_usage_error(err, "--preserve-fds: expected a count, got '%s'", fds);
        o->preserve_fds = (int)n;
    }
    return 0;
}

static int create(const struct cli_args *a, struct error **err)
{
    struct create_opts o = { 0 };
    if (cmd_create_options(a, &o, err) < 0)
        return -1;
    struct launch l;
    if (container_create(cmd_globals(a)->root, &o, &l, err) < 0)
        return -1;
    launch_release(&l);
    return 0;
}

static const struct cli_option options[] = { CMD_CREATE_OPTIONS, { 0 } };

const struct cli_command cmd_create = {
    .name = "create",
    .fn = create,
    .flags = CLI_SEALED_EXEC,
    .summary = "create a container from a bundle",
    .synopsis = "CONTAINER_ID",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
