/* runtime's commands: one file each under runtime/cmd/, each defining one
 * struct cli_command (common/cli.h) listed in runtime/main.c. A command's
 * cli_args carry the global options in ctx (struct global_opts). */
#ifndef RUNTIME_CMD_H
#define RUNTIME_CMD_H

#include <stdbool.h>

#include "common/cli.h"
#include "common/error.h"

#define RUNTIME_DEFAULT_ROOT "/run/runtime"

struct global_opts {
    const char *root; /* --root, default RUNTIME_DEFAULT_ROOT */
    const char *log;  /* --log FILE */
    bool log_json;    /* --log-format json */
    bool debug;
    bool systemd_cgroup;
};

static inline const struct global_opts *cmd_globals(const struct cli_args *a)
{
    return a->ctx;
}

extern const struct cli_command cmd_create, cmd_start, cmd_run, cmd_state, cmd_kill, cmd_delete, cmd_list,
    cmd_spec, cmd_features, cmd_exec, cmd_pause, cmd_resume, cmd_update, cmd_ps, cmd_events, cmd_checkpoint,
    cmd_restore;

/* A JSON generator indented as runc indents (two spaces). */
#include <yajl/yajl_gen.h>
yajl_gen cmd_json_gen(void);
/* Print the generated text and a newline to stdout. */
void cmd_json_print(yajl_gen g);

/* create's and run's options (run adds -d/--detach). */
#define CMD_CREATE_OPTIONS                                                                                 \
    { 'b', "bundle", CLI_ARG, "DIR", "the bundle directory", "the current directory", 0 },                 \
    { 0, "pid-file", CLI_ARG, "FILE", "write the container init's pid to FILE", "none", 0 },              \
    { 0, "console-socket", CLI_ARG, "PATH", "send the terminal's master fd to this unix socket", "none", 0 }, \
    { 0, "no-pivot", CLI_NOARG, NULL, "chroot instead of pivot_root", NULL, 0 },                          \
    { 0, "no-new-keyring", CLI_NOARG, NULL, "keep the caller's session keyring (default: a new one, _ses.ID)", NULL, 0 }, \
    { 0, "preserve-fds", CLI_ARG, "N", "pass fds 3..3+N-1 to the container", "0", 0 }
/* Fill o from create's and run's options; -1 with a usage error. */
struct create_opts;
/* --preserve-fds N (create, run, exec); 0 when not given. */
int cmd_preserve_fds(const struct cli_args *a, int *out, struct error **err);
int cmd_create_options(const struct cli_args *a, struct create_opts *o, struct error **err);

#endif
