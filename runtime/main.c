/* runtime: an OCI runtime with runc's command line. Global options, then a
 * command; each command lives in runtime/cmd/ (the table below). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "common/cli.h"
#include "common/log.h"
#include "runtime/cmd/cmd.h"
#include "runtime/rootless.h"
#include "runtime/security/cloned_binary.h"

#define RUNTIME_VERSION "0.1.0"
#define RUNTIME_SPEC_VERSION "1.0.2"

static const struct cli_command *const commands[] = {
    &cmd_create, &cmd_start, &cmd_run, &cmd_state, &cmd_kill, &cmd_delete, &cmd_list, &cmd_spec,
    &cmd_features, &cmd_exec, &cmd_pause, &cmd_resume, &cmd_update, &cmd_ps, &cmd_events,
    &cmd_checkpoint, &cmd_restore, NULL,
};

static const struct cli_option globals[] = {
    { 0, "root", CLI_ARG, "DIR", "state directory",
      RUNTIME_DEFAULT_ROOT ", or $XDG_RUNTIME_DIR/runtime when not root (runc's rule)", 0 },
    { 0, "log", CLI_ARG, "FILE", "write log lines to FILE", "stderr", 0 },
    { 0, "log-format", CLI_ARG, "text|json", "format of the log lines", "text", 0 },
    { 0, "debug", CLI_NOARG, NULL, "log debug lines too", NULL, 0 },
    { 0, "systemd-cgroup", CLI_NOARG, NULL, "systemd as the cgroup manager: create and run refuse it where systemd does not run", NULL, 0 },
    { 0, "rootless", CLI_ARG, "auto|true|false",
      "rootless rules when not root (auto); true: also skip limits that cannot be applied", "auto", 0 },
    { 0, "criu", CLI_ARG, "PATH", "accepted and ignored (runc compatibility)", NULL, 0 },
    { 0 },
};

static int global(const struct cli_option *opt, const char *value, void *ctx, struct error **err)
{
    struct global_opts *g = ctx;
    const char *name = opt->long_name;
    if (strcmp(name, "root") == 0)
        g->root = value;
    else if (strcmp(name, "log") == 0)
        g->log = value;
    else if (strcmp(name, "log-format") == 0) {
        if (strcmp(value, "json") != 0 && strcmp(value, "text") != 0)
            return cli_usage_error(err, "--log-format: expected text or json, got '%s'", value);
        g->log_json = strcmp(value, "json") == 0;
    } else if (strcmp(name, "debug") == 0)
        g->debug = true;
    else if (strcmp(name, "systemd-cgroup") == 0)
        g->systemd_cgroup = true;
    else if (strcmp(name, "rootless") == 0)
        return rootless_set_flag(value, err);
    return 0;
}

static int prepare(const struct cli_command *cmd, char **argv, void *ctx, struct error **err)
{
    const struct global_opts *g = ctx;
    if ((cmd->flags & CLI_SEALED_EXEC) && ensure_cloned_binary(argv, environ) < 0)
        return error_set(err, errno, "re-execute from a sealed copy of itself (CVE-2019-5736)");
    return log_init(g->log, g->log_json, g->debug, err);
}

static const struct cli_program program = {
    .name = "runtime",
    .summary = "run containers from OCI bundles, with runc's command line",
    .exit_status = "run and exec exit with the status of the container's process (128+N when it dies of signal N).",
    .version = "runtime version " RUNTIME_VERSION "\nspec: " RUNTIME_SPEC_VERSION "\n",
    .globals = globals,
    .global = global,
    .prepare = prepare,
    .commands = commands,
};

int main(int argc, char **argv)
{
    struct global_opts g = { .root = rootless_state_root() };
    log_set_program("runtime");
    return cli_main(&program, argc, argv, &g);
}
