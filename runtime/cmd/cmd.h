/* runtime's commands: one file each under runtime/cmd/. Each gets argv from
 * the command name on and the global options. A command returns -1 with
 * *err set on failure, otherwise the process exit code (0, or the
 * container's status for `run`). */
#ifndef RUNTIME_CMD_H
#define RUNTIME_CMD_H

#include <getopt.h>
#include <stdbool.h>

#include "common/error.h"

#define RUNTIME_DEFAULT_ROOT "/run/runtime"

struct global_opts {
    const char *root; /* --root, default RUNTIME_DEFAULT_ROOT */
    const char *log;  /* --log FILE */
    bool log_json;    /* --log-format json */
    bool debug;
    bool systemd_cgroup;
};

typedef int (*cmd_fn)(int argc, char **argv, const struct global_opts *g, struct error **err);

int cmd_create(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_start(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_run(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_state(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_kill(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_delete(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_list(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_spec(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_features(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_unsupported(int argc, char **argv, const struct global_opts *g, struct error **err);

/* Option parsing shared by the commands. "usage" is the one-line synopsis
 * after "runtime"; "help" the option lines. cmd_getopt returns getopt's
 * value, -1 at the end, 'h' for --help (after printing help: the caller
 * returns 0) and '?' for a bad option (*err set: the caller returns -1). */
struct cmd_info {
    const char *name;
    const char *usage;
    const char *help;
};
int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const struct cmd_info *info, struct error **err);
/* Check the positional argument count: between min and max (max -1 = any). */
int cmd_check_args(int argc, char **argv, int min, int max, const struct cmd_info *info,
                   struct error **err);
/* For commands whose only argument is the container id and whose only
 * option is --help: 1 after --help, 0 with *id set, -1 on a usage error. */
int cmd_parse_id(int argc, char **argv, const struct cmd_info *info, const char **id, struct error **err);
int cmd_usage_error(const struct cmd_info *info, struct error **err, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

/* A JSON generator indented as runc indents (two spaces). */
#include <yajl/yajl_gen.h>
yajl_gen cmd_json_gen(void);
/* Print the generated text and a newline to stdout. */
void cmd_json_print(yajl_gen g);

/* create's and run's options (run adds -d). Returns 1 after --help, 0 when
 * parsed (o->id set), -1 on a usage error. */
struct create_opts;
int cmd_create_options(int argc, char **argv, const struct cmd_info *info, struct create_opts *o,
                       bool *detach, struct error **err);

#endif
