/* Manual pages in roff, generated from the command and option tables, so
 * that they say what --help says: PROG(1) for the program and its global
 * options, PROG-COMMAND(1) for each command. */
#include <ctype.h>
#include <string.h>

#include "common/cli.h"

/* The classes of common/error.h, shared by both programs. */
static const char exit_status[] =
    "0 success; 1 failure not covered below; 2 bad command line; 3 bad input (malformed JSON, bad "
    "reference, corrupt tar, digest mismatch); 4 container, image, blob or file not found; 5 missing "
    "privileges or a refused operation; 6 registry or network failure; 7 wrong state (exists already, "
    "not running, locked).";

/* Text as roff: backslashes escaped, hyphens as \-, a line never starting
 * with a control character. */
static void roff_text(const char *s, FILE *out)
{
    bool line_start = true;
    for (; *s; s++) {
        if (line_start && (*s == '.' || *s == '\''))
            fputs("\\&", out);
        line_start = *s == '\n';
        if (*s == '\\')
            fputs("\\e", out);
        else if (*s == '-')
            fputs("\\-", out);
        else
            fputc(*s, out);
    }
}

/* A multi-line help paragraph: its lines joined, blank lines as .PP. */
static void roff_paragraph(const char *s, FILE *out)
{
    while (*s) {
        const char *nl = strchr(s, '\n');
        size_t n = nl ? (size_t)(nl - s) : strlen(s);
        if (n == 0)
            fputs(".PP\n", out);
        else {
            char line[1024];
            snprintf(line, sizeof(line), "%.*s", (int)n, s);
            roff_text(line, out);
            fputc('\n', out);
        }
        s += n + (nl != NULL);
    }
}

static void roff_upper(const char *s, FILE *out)
{
    for (; *s; s++)
        fputc(toupper((unsigned char)*s), out);
}

static void man_header(const struct cli_program *p, const char *page, FILE *out)
{
    fputs(".TH ", out);
    roff_upper(page, out);
    fprintf(out, " 1 \"\" \"%s\" \"User Commands\"\n", p->name);
}

static void man_option(const struct cli_option *o, FILE *out)
{
    fputs(".TP\n", out);
    if (o->short_name)
        fprintf(out, "\\fB\\-%c\\fR, ", o->short_name);
    fputs("\\fB\\-\\-", out);
    roff_text(o->long_name, out);
    fputs("\\fR", out);
    const char *value = o->value_name ? o->value_name : "VALUE";
    if (o->arg != CLI_NOARG) {
        fputs(o->arg == CLI_ARG ? " \\fI" : "[=\\fI", out);
        roff_text(value, out);
        fputs(o->arg == CLI_ARG ? "\\fR" : "\\fR]", out);
    }
    fputc('\n', out);
    roff_text(o->help, out);
    if (o->def) {
        fputs(" (default: ", out);
        roff_text(o->def, out);
        fputc(')', out);
    }
    fputc('\n', out);
}

static void man_options(const struct cli_option *t, FILE *out)
{
    for (; t && t->long_name; t++)
        man_option(t, out);
    const struct cli_option help = { 'h', "help", CLI_NOARG, NULL, "show the help and exit", NULL, 0 };
    man_option(&help, out);
}

static void man_program(const struct cli_program *p, FILE *out)
{
    man_header(p, p->name, out);
    fprintf(out, ".SH NAME\n%s \\- ", p->name);
    roff_text(p->summary ? p->summary : p->name, out);
    fprintf(out, "\n.SH SYNOPSIS\n\\fB%s\\fR [\\fIGLOBAL OPTIONS\\fR] \\fICOMMAND\\fR [\\fIOPTIONS\\fR] "
                 "[\\fIARGS\\fR...]\n.SH GLOBAL OPTIONS\n", p->name);
    man_options(p->globals, out);
    fputs(".TP\n\\fB\\-v\\fR, \\fB\\-\\-version\\fR\nshow the version and exit\n.SH COMMANDS\n", out);
    for (const struct cli_command *const *c = p->commands; *c; c++) {
        fprintf(out, ".TP\n\\fB%s\\fR\n", (*c)->name);
        roff_text((*c)->summary, out);
        fprintf(out, "; see \\fB%s\\-%s\\fR(1).\n", p->name, (*c)->name);
    }
    fputs(".TP\n\\fBhelp\\fR [\\fICOMMAND\\fR]\nshow the help of the program or of a command\n", out);
    if (p->description) {
        fputs(".SH DESCRIPTION\n", out);
        roff_paragraph(p->description, out);
    }
    fputs(".SH EXIT STATUS\n", out);
    roff_paragraph(exit_status, out);
    if (p->exit_status) {
        fputs(".PP\n", out);
        roff_paragraph(p->exit_status, out);
    }
}

static void man_command(const struct cli_program *p, const struct cli_command *cmd, FILE *out)
{
    char page[256];
    snprintf(page, sizeof(page), "%s-%s", p->name, cmd->name);
    man_header(p, page, out);
    fprintf(out, ".SH NAME\n%s\\-%s \\- ", p->name, cmd->name);
    roff_text(cmd->summary, out);
    fprintf(out, "\n.SH SYNOPSIS\n\\fB%s\\fR [\\fIGLOBAL OPTIONS\\fR] \\fB%s\\fR [\\fIOPTIONS\\fR]", p->name,
            cmd->name);
    if (cmd->synopsis) {
        fputc(' ', out);
        roff_text(cmd->synopsis, out);
    }
    fputs("\n.SH DESCRIPTION\n", out);
    roff_text(cmd->summary, out);
    fputs(".\n", out);
    if (cmd->description) {
        fputs(".PP\n", out);
        roff_paragraph(cmd->description, out);
    }
    fputs(".SH OPTIONS\n", out);
    man_options(cmd->options, out);
    fprintf(out, ".SH SEE ALSO\n\\fB%s\\fR(1)\n", p->name);
}

int cli_print_man(const struct cli_program *p, const char *command, FILE *out)
{
    if (command == NULL) {
        man_program(p, out);
        return 0;
    }
    for (const struct cli_command *const *c = p->commands; *c; c++)
        if (strcmp((*c)->name, command) == 0) {
            man_command(p, *c, out);
            return 0;
        }
    return -1;
}
