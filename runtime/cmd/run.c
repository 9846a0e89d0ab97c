/* runtime run [options] ID: create and start; in the foreground, forward
 * signals and exit with the container's status (128+N for signal N). */
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/cmd/cmd.h"
#include "runtime/container.h"
#include "runtime/signals.h"

static const struct cmd_info info = {
    "run", "[OPTIONS] CONTAINER_ID",
    "  -b, --bundle DIR         the bundle (default: the current directory)\n"
    "  -d, --detach             return once the container runs\n"
    "      --pid-file FILE      write the container init's pid to FILE\n"
    "      --console-socket P   (terminals are not supported yet)\n"
    "      --no-pivot           chroot instead of pivot_root\n"
    "      --no-new-keyring     accepted (no keyring is made)\n"
    "      --preserve-fds N     pass fds 3..3+N-1 to the container\n",
};

int cmd_run(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    struct create_opts o = { .run = true };
    bool detach = false;
    int rc = cmd_create_options(argc, argv, &info, &o, &detach, err);
    if (rc != 0)
        return rc > 0 ? 0 : -1;
    sigset_t old;
    if (!detach)
        signals_block_all(&old);
    struct launch l;
    if (container_create(g->root, &o, &l, err) < 0)
        return -1;
    if (container_run_wait_exec(&l, err) < 0) {
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
    int code = signals_forward_until_exit(l.pid);
    container_run_cleanup(&l);
    launch_release(&l);
    return code;
}
