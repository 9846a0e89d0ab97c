/* Help texts, generated from the command and option tables. */
#include <string.h>

#include "common/cli.h"

#define OPTION_COLUMN 30

static void print_option(const struct cli_option *o, FILE *out)
{
    char left[128];
    const char *value = o->value_name ? o->value_name : "VALUE";
    int n = o->short_name ? snprintf(left, sizeof(left), "-%c, --%s", o->short_name, o->long_name)
                          : snprintf(left, sizeof(left), "    --%s", o->long_name);
    if (o->arg == CLI_ARG)
        snprintf(left + n, sizeof(left) - (size_t)n, " %s", value);
    else if (o->arg == CLI_OPTARG)
        snprintf(left + n, sizeof(left) - (size_t)n, "[=%s]", value);
    if (strlen(left) + 2 >= OPTION_COLUMN)
        fprintf(out, "  %s\n  %-*s", left, OPTION_COLUMN, "");
    else
        fprintf(out, "  %-*s", OPTION_COLUMN, left);
    fputs(o->help, out);
    if (o->def)
        fprintf(out, " (default: %s)", o->def);
    fputc('\n', out);
}

static void print_options(const struct cli_option *t, const char *help_line, FILE *out)
{
    for (; t && t->long_name; t++)
        print_option(t, out);
    const struct cli_option help = { 'h', "help", CLI_NOARG, NULL, help_line, NULL, 0 };
    print_option(&help, out);
}

void cli_print_command_help(const struct cli_program *p, const struct cli_command *cmd, FILE *out)
{
    fprintf(out, "usage: %s %s [OPTIONS]%s%s\n\n%s\n", p->name, cmd->name, cmd->synopsis ? " " : "",
            cmd->synopsis ? cmd->synopsis : "", cmd->summary);
    if (cmd->description)
        fprintf(out, "\n%s", cmd->description);
    fputs("\nOptions:\n", out);
    print_options(cmd->options, "show this help", out);
}

void cli_print_program_help(const struct cli_program *p, FILE *out)
{
    fprintf(out, "usage: %s [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n\nGlobal options:\n", p->name);
    print_options(p->globals, "show this help", out);
    const struct cli_option version = { 'v', "version", CLI_NOARG, NULL, "show the version", NULL, 0 };
    print_option(&version, out);
    fputs("\nCommands:\n", out);
    for (const struct cli_command *const *c = p->commands; *c; c++)
        fprintf(out, "  %-12s %s\n", (*c)->name, (*c)->summary);
    fprintf(out, "  %-12s %s\n", "help", "show the help of the program or of a command");
    if (p->description)
        fprintf(out, "\n%s", p->description);
    fprintf(out, "\nRun '%s help COMMAND' or '%s COMMAND --help' for a command's options.\n", p->name, p->name);
}
