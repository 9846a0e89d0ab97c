/* Running a program of the command-line layer: global options, the command
 * word, `help`, the command's options, then the command (rules in cli.h). */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/cli.h"
#include "common/log.h"
#include "common/xalloc.h"

static const struct cli_option version_option = { 'v', "version", CLI_NOARG, NULL, "show the version", NULL, 0 };

/* One line naming the problem, one pointing at the help. */
static int usage_failed(const struct cli_program *p, const char *cmd, struct error *err)
{
    int code = log_error_exit(err);
    if (cmd)
        fprintf(stderr, "see '%s %s --help'\n", p->name, cmd);
    else
        fprintf(stderr, "see '%s --help'\n", p->name);
    return code;
}

static const struct cli_command *find_command(const struct cli_program *p, const char *name)
{
    for (const struct cli_command *const *c = p->commands; *c; c++)
        if (strcmp((*c)->name, name) == 0)
            return *c;
    return NULL;
}

static int unknown_command(const struct cli_program *p, const char *name)
{
    CLEANUP_ERROR struct error *err = NULL;
    cli_usage_error(&err, "unknown command '%s'", name);
    return usage_failed(p, NULL, err);
}

static int help_usage(const struct cli_program *p, const char *fmt, const char *word)
{
    CLEANUP_ERROR struct error *err = NULL;
    cli_usage_error(&err, fmt, word);
    return usage_failed(p, "help", err);
}

/* The generators behind the build: `help --commands` (one name a line),
 * `help --man [COMMAND]`, `help --completion SHELL`. */
static int help_generate(const struct cli_program *p, int argc, char **argv)
{
    if (strcmp(argv[0], "--commands") == 0 && argc == 1) {
        for (const struct cli_command *const *c = p->commands; *c; c++)
            printf("%s\n", (*c)->name);
        return 0;
    }
    if (strcmp(argv[0], "--man") == 0 && argc <= 2) {
        if (cli_print_man(p, argc == 2 ? argv[1] : NULL, stdout) < 0)
            return unknown_command(p, argv[1]);
        return 0;
    }
    if (strcmp(argv[0], "--completion") == 0 && argc == 2) {
        if (cli_print_completion(p, argv[1], stdout) < 0)
            return help_usage(p, "help --completion: expected bash or zsh, got '%s'", argv[1]);
        return 0;
    }
    return help_usage(p, "help: unexpected argument '%s'", argv[argc > 1 ? 1 : 0]);
}

/* `PROG help [COMMAND]` */
static int help_command(const struct cli_program *p, int argc, char **argv)
{
    if (argc == 0) {
        cli_print_program_help(p, stdout);
        return 0;
    }
    if (argv[0][0] == '-')
        return help_generate(p, argc, argv);
    if (argc > 1)
        return help_usage(p, "help: unexpected argument '%s'", argv[1]);
    const struct cli_command *cmd = find_command(p, argv[0]);
    if (cmd == NULL)
        return unknown_command(p, argv[0]);
    cli_print_command_help(p, cmd, stdout);
    return 0;
}

static int run_command(const struct cli_program *p, const struct cli_command *cmd, int argc, char **argv,
                       char **full_argv, void *ctx)
{
    CLEANUP_ERROR struct error *err = NULL;
    if (p->prepare && p->prepare(cmd, full_argv, ctx, &err) < 0)
        return log_error_exit(err);
    struct cli_args a;
    int r = cli_parse(cmd, argc, argv, &a, &err);
    if (r == 1)
        cli_print_command_help(p, cmd, stdout);
    if (r != 0) {
        cli_args_clear(&a);
        return r > 0 ? 0 : usage_failed(p, cmd->name, (error_prefix(&err, "%s", cmd->name), err));
    }
    a.ctx = ctx;
    r = cmd->fn(&a, &err);
    cli_args_clear(&a);
    if (r >= 0)
        return r;
    return error_exit_code(err) == EXIT_USAGE ? usage_failed(p, cmd->name, err) : log_error_exit(err);
}

/* The global options with -v/--version added. */
static struct cli_option *global_table(const struct cli_program *p)
{
    size_t n = 0;
    while (p->globals && p->globals[n].long_name)
        n++;
    struct cli_option *t = xcalloc(n + 2, sizeof(*t));
    if (n)
        memcpy(t, p->globals, n * sizeof(*t));
    t[n] = version_option;
    return t;
}

static int apply_globals(const struct cli_program *p, const struct cli_args *g, void *ctx, struct error **err)
{
    for (size_t i = 0; i < g->n_opts; i++)
        if (p->global(g->opts[i].opt, g->opts[i].value, ctx, err) < 0)
            return -1;
    return 0;
}

int cli_main(const struct cli_program *p, int argc, char **argv, void *ctx)
{
    CLEANUP_FREE struct cli_option *table = global_table(p);
    const struct cli_command globals = { .name = p->name, .options = table, .max_args = -1, .options_stop_after = -1 };
    CLEANUP_ERROR struct error *err = NULL;
    struct cli_args g;
    int r = cli_parse(&globals, argc > 0 ? argc - 1 : 0, argv + (argc > 0), &g, &err);
    if (r == 1)
        cli_print_program_help(p, stdout);
    else if (r == 0 && cli_has(&g, "version"))
        fputs(p->version, stdout), r = 1;
    else if (r == 0 && apply_globals(p, &g, ctx, &err) < 0)
        r = -1;
    else if (r == 0 && g.argc == 0)
        r = cli_usage_error(&err, "no command given");
    if (r == 0) {
        const char *name = g.argv[0];
        const struct cli_command *cmd = find_command(p, name);
        if (strcmp(name, "help") == 0)
            r = help_command(p, g.argc - 1, g.argv + 1);
        else if (cmd == NULL)
            r = unknown_command(p, name);
        else
            r = run_command(p, cmd, g.argc - 1, g.argv + 1, argv, ctx);
        cli_args_clear(&g);
        return r;
    }
    cli_args_clear(&g);
    return r > 0 ? 0 : usage_failed(p, NULL, err);
}
