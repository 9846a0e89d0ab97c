/* runtime run [options] ID: create and start; in the foreground, forward
 * signals and exit with the container's status (128+N for signal N). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cmd/cmd.h"
#include "runtime/container.h"
#include "runtime/signals.h"
#include "runtime/terminal/terminal.h"

static int run(const struct cli_args *a, struct error **err)
{
    struct create_opts o = { .run = true };
    bool detach = cli_has(a, "detach");
    o.keep = cli_has(a, "keep");
    o.detach = detach;
    if (cmd_create_options(a, &o, err) < 0)
        return -1;
    sigset_t old;
    if (!detach)
        signals_block_all(&old);
    struct launch l;
    if (container_create(cmd_globals(a)->root, &o, &l, err) < 0)
        return -1;
    if (container_run_wait_exec(&l, err) < 0 || launch_poststart(&l, err) < 0) {
        kill(l.pid, SIGKILL);
        waitpid(l.pid, NULL, 0);
        container_run_cleanup(&l);
        if (o.pid_file)
            unlink(o.pid_file);
        launch_release(&l);
        return -1;
    }
    if (detach) {
        launch_release(&l);
        return 0;
    }
    int code = l.pty_master >= 0 ? terminal_relay_until_exit(l.pid, l.pty_master) : signals_forward_until_exit(l.pid);
    if (!o.keep)
        container_run_cleanup(&l);
    launch_release(&l);
    return code;
}

static const struct cli_option options[] = {
    CMD_CREATE_OPTIONS,
    { 'd', "detach", CLI_NOARG, NULL, "return once the container runs (default: wait and exit with its status)", NULL, 0 },
    { 0, "keep", CLI_NOARG, NULL, "keep the container (stopped) after it exits; remove it with delete", NULL, 0 },
    { 0 },
};

const struct cli_command cmd_run = {
    .name = "run",
    .fn = run,
    .flags = CLI_SEALED_EXEC,
    .summary = "create and start a container",
    .synopsis = "CONTAINER_ID",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
