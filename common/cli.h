/* One command line for both programs, git-style: a program is a table of
 * commands, each with its option table; the layer parses, prints help and
 * reports usage errors, then calls the command with what it parsed.
 *
 * Rules (specs/runtime-cli.md, "Command-line layer"):
 *  - global options come before the command word; a command's options may
 *    come anywhere among its arguments; `--` ends options;
 *  - long options: --name, --name=VALUE, --name VALUE (CLI_ARG);
 *    short ones: -x, -xVALUE, -x VALUE, clusters (-qd);
 *  - -h/--help on every command, `PROG help [COMMAND]`, -v/--version;
 *  - a usage error is one line naming the bad word, then
 *    "see 'PROG COMMAND --help'", exit EXIT_USAGE.
 *
 * Adding a command: write PROG/cmd/NAME.c defining
 *     const struct cli_command cmd_NAME = { .name = "NAME", .fn = ..., ... };
 * declare it in PROG/cmd/cmd.h and add &cmd_NAME to the table in PROG/main.c. */
#ifndef COMMON_CLI_H
#define COMMON_CLI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "common/error.h"

enum cli_arg {
    CLI_NOARG,  /* a switch: --quiet */
    CLI_ARG,    /* needs a value: --bundle DIR, --bundle=DIR, -b DIR, -bDIR */
    CLI_OPTARG, /* value optional, only as --name=VALUE: --tls-verify[=false] */
};

/* One option. Tables end with an all-zero row. -h/--help is implicit. */
struct cli_option {
    char short_name;        /* 'b' for -b, or 0 */
    const char *long_name;  /* "bundle" for --bundle; also the lookup key */
    enum cli_arg arg;
    const char *value_name; /* "DIR" in help; NULL for switches */
    const char *help;       /* one line: what it does */
    const char *def;        /* shown as "(default: ...)"; NULL: not shown */
    int id;                 /* free for the command (e.g. a switch key) */
};

/* What a command needs before it runs; the program's prepare hook acts on
 * them (common code knows no program). */
enum cli_flags {
    CLI_SEALED_EXEC = 1 << 0,      /* runtime: re-exec from a sealed copy (CVE-2019-5736) */
    CLI_STORE_MUST_EXIST = 1 << 1, /* imagetool: reads the store; never creates it */
    CLI_STORE_MAY_CREATE = 1 << 2, /* imagetool: writes the store; creates it if missing */
};

struct cli_args;

/* Returns the exit code (>= 0), or -1 with *err set. An error of class
 * EXIT_USAGE gets the "see 'PROG COMMAND --help'" line. */
typedef int (*cli_fn)(const struct cli_args *a, struct error **err);

struct cli_command {
    const char *name;
    cli_fn fn;
    unsigned flags;            /* enum cli_flags */
    const char *summary;       /* one line for the command list */
    const char *synopsis;      /* positionals: "CONTAINER_ID [SIGNAL]" */
    const char *description;   /* extra help paragraph, or NULL */
    const struct cli_option *options; /* NULL: only --help */
    int min_args, max_args;    /* positional count; max -1: any */
    /* > 0: the first positional after this many ends the options (it and
     * the rest are a COMMAND [ARG...] for the container); -1: the first
     * positional does (how global options end at the command word). */
    int options_stop_after;
};

/* One parsed option, in command-line order. value: NULL for a switch. */
struct cli_value {
    const struct cli_option *opt;
    const char *value;
};

struct cli_args {
    const struct cli_command *cmd;
    void *ctx;               /* the program's global options */
    struct cli_value *opts;
    size_t n_opts;
    int argc;                /* positionals, options removed */
    char **argv;
};

/* Was --long_name given? */
bool cli_has(const struct cli_args *a, const char *long_name);
/* The value of the last --long_name (NULL for a switch or a bare
 * CLI_OPTARG option), or def when it was not given. */
const char *cli_get(const struct cli_args *a, const char *long_name, const char *def);
/* Every value of a repeatable --long_name, in command-line order, as a
 * NULL-terminated array (free the array, not the strings). */
const char **cli_get_all(const struct cli_args *a, const char *long_name);
/* Set a usage error (EXIT_USAGE) naming the bad word; returns -1. */
int cli_usage_error(struct error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

struct cli_program {
    const char *name;         /* "runtime" */
    const char *summary;      /* one line for the manual's NAME section */
    const char *version;      /* the -v/--version text, with newlines */
    const char *description;  /* extra text at the end of PROG --help, or NULL */
    const char *exit_status;  /* added to the manual's EXIT STATUS section, or NULL */
    const struct cli_option *globals;
    /* Apply one global option (value NULL for a switch). */
    int (*global)(const struct cli_option *opt, const char *value, void *ctx, struct error **err);
    /* Once the command is known, before its arguments are parsed (so that
     * its usage errors reach the log too): act on its flags, set up
     * logging. May be NULL. */
    int (*prepare)(const struct cli_command *cmd, char **argv, void *ctx, struct error **err);
    const struct cli_command *const *commands; /* NULL-terminated */
};

/* Run the program; returns the process exit code. */
int cli_main(const struct cli_program *p, int argc, char **argv, void *ctx);

/* Parse a command's arguments (argv after the command word). Returns 0,
 * 1 when --help was given, -1 on a usage error. Free with cli_args_clear. */
int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args *a, struct error **err);
void cli_args_clear(struct cli_args *a);

/* Help texts (cli_help.c). */
void cli_print_program_help(const struct cli_program *p, FILE *out);
void cli_print_command_help(const struct cli_program *p, const struct cli_command *cmd, FILE *out);
/* The manual page (roff) of the program (command NULL) or of a command;
 * -1 for an unknown command (cli_man.c). `PROG help --man [COMMAND]`. */
int cli_print_man(const struct cli_program *p, const char *command, FILE *out);
/* A completion script for shell "bash" or "zsh"; -1 for another shell
 * (cli_completion.c). `PROG help --completion SHELL`. */
int cli_print_completion(const struct cli_program *p, const char *shell, FILE *out);

#endif
