/* runtime create [options] ID: set the container up; its process waits for `start`. */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runtime/cmd/cmd.h"
#include "runtime/container.h"

/* systemd socket activation (sd_listen_fds): LISTEN_FDS fds from 3 on,
 * when LISTEN_PID names this process. */
static int listen_fds(void)
{
    const char *pid = getenv("LISTEN_PID"), *fds = getenv("LISTEN_FDS");
    if (pid == NULL || fds == NULL || strtol(pid, NULL, 10) != getpid())
        return 0;
    long n = strtol(fds, NULL, 10);
    return n > 0 && n < 4096 ? (int)n : 0;
}

int cmd_create_options(const struct cli_args *a, struct create_opts *o, struct error **err)
{
    o->id = a->argv[0];
    o->bundle = cli_get(a, "bundle", NULL);
    o->pid_file = cli_get(a, "pid-file", NULL);
    o->console_socket = cli_get(a, "console-socket", NULL);
    o->no_pivot = cli_has(a, "no-pivot");
    o->no_new_keyring = cli_has(a, "no-new-keyring");
    o->listen_fds = listen_fds();
    if (cmd_globals(a)->systemd_cgroup && access("/run/systemd/system", F_OK) < 0)
        return error_setc(err, EXIT_INVALID, 0,
                          "--systemd-cgroup: systemd is not the cgroup manager on this host "
                          "(no /run/systemd/system); leave the flag out to use cgroupfs");
    return cmd_preserve_fds(a, &o->preserve_fds, err);
}

int cmd_preserve_fds(const struct cli_args *a, int *out, struct error **err)
{
    const char *fds = cli_get(a, "preserve-fds", NULL);
    *out = 0;
    if (fds == NULL)
        return 0;
    char *end;
    long n = strtol(fds, &end, 10);
    if (*fds == 0 || *end || n < 0 || n > 4096)
        return cli_usage_error(err, "--preserve-fds: expected a count, got '%s'", fds);
    *out = (int)n;
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
