/* Parsing a command's words against its option table (rules in cli.h). */
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/cli.h"
#include "common/xalloc.h"

static const struct cli_option help_option = { 'h', "help", CLI_NOARG, NULL, "show this help", NULL, 0 };

struct parser {
    const struct cli_option *table;
    struct cli_args *a;
    int argc, i;
    char **argv;
};

int cli_usage_error(struct error **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, EXIT_USAGE, 0, fmt, ap);
    va_end(ap);
    return -1;
}

static const struct cli_option *find_long(const struct cli_option *t, const char *name, size_t len)
{
    if (len == 4 && strncmp(name, "help", 4) == 0)
        return &help_option;
    for (; t && t->long_name; t++)
        if (strlen(t->long_name) == len && strncmp(t->long_name, name, len) == 0)
            return t;
    return NULL;
}

static const struct cli_option *find_short(const struct cli_option *t, char c)
{
    if (c == 'h')
        return &help_option;
    for (; t && t->long_name; t++)
        if (t->short_name == c)
            return t;
    return NULL;
}

static void add(struct parser *p, const struct cli_option *opt, const char *value)
{
    p->a->opts = xrealloc(p->a->opts, (p->a->n_opts + 1) * sizeof(*p->a->opts));
    p->a->opts[p->a->n_opts++] = (struct cli_value){ opt, value };
}

/* The value of an option that needs one: the next word. */
static int next_value(struct parser *p, const char *shown, const char **value, struct error **err)
{
    if (p->i + 1 >= p->argc)
        return cli_usage_error(err, "option '%s' needs a value", shown);
    *value = p->argv[++p->i];
    return 0;
}

/* --name, --name=VALUE, --name VALUE */
static int parse_long(struct parser *p, const char *word, struct error **err)
{
    const char *name = word + 2, *eq = strchr(name, '=');
    size_t len = eq ? (size_t)(eq - name) : strlen(name);
    const struct cli_option *opt = find_long(p->table, name, len);
    if (opt == NULL)
        return cli_usage_error(err, "unknown option '--%.*s'", (int)len, name);
    const char *value = eq ? eq + 1 : NULL;
    if (opt->arg == CLI_NOARG && eq)
        return cli_usage_error(err, "option '--%s' takes no value", opt->long_name);
    if (opt->arg == CLI_ARG && !eq && next_value(p, word, &value, err) < 0)
        return -1;
    add(p, opt, value);
    return 0;
}

/* -x, -xVALUE, -x VALUE, -qd */
static int parse_short(struct parser *p, const char *word, struct error **err)
{
    for (const char *c = word + 1; *c; c++) {
        const struct cli_option *opt = find_short(p->table, *c);
        if (opt == NULL)
            return cli_usage_error(err, "unknown option '-%c'", *c);
        if (opt->arg == CLI_NOARG || opt->arg == CLI_OPTARG) {
            add(p, opt, NULL);
            continue;
        }
        const char *value = c[1] ? c + 1 : NULL;
        char shown[3] = { '-', *c, 0 };
        if (value == NULL && next_value(p, shown, &value, err) < 0)
            return -1;
        add(p, opt, value);
        return 0;
    }
    return 0;
}

static void add_positional(struct cli_args *a, char *word)
{
    a->argv[a->argc++] = word;
}

/* Options and positionals; options end at `--` or where stop_after says. */
static int parse_words(struct parser *p, int stop_after, struct error **err)
{
    struct cli_args *a = p->a;
    for (p->i = 0; p->i < p->argc; p->i++) {
        char *word = p->argv[p->i];
        bool stop = strcmp(word, "--") == 0;
        bool option = !stop && word[0] == '-' && word[1] != 0;
        if (!option && !stop && (stop_after < 0 || (stop_after > 0 && a->argc >= stop_after)))
            stop = true, p->i--;
        if (stop) {
            while (++p->i < p->argc)
                add_positional(a, p->argv[p->i]);
            break;
        }
        if (!option)
            add_positional(a, word);
        else if ((word[1] == '-' ? parse_long(p, word, err) : parse_short(p, word, err)) < 0)
            return -1;
    }
    return 0;
}

/* The n-th word of the synopsis, without brackets and dots ("[SIGNAL]" -> "SIGNAL"). */
static char *synopsis_word(const char *synopsis, int n)
{
    const char *s = synopsis ? synopsis : "";
    for (;;) {
        s += strspn(s, " ");
        size_t len = strcspn(s, " ");
        if (len == 0)
            return xstrdup("arguments");
        if (n-- == 0) {
            const char *w = s + strspn(s, "[");
            return xstrndup(w, strcspn(w, "]. |"));
        }
        s += len;
    }
}

static int check_count(const struct cli_command *cmd, const struct cli_args *a, struct error **err)
{
    if (a->argc < cmd->min_args) {
        char *what = synopsis_word(cmd->synopsis, a->argc);
        cli_usage_error(err, "missing %s", what);
        free(what);
        return -1;
    }
    if (cmd->max_args >= 0 && a->argc > cmd->max_args)
        return cli_usage_error(err, "unexpected argument '%s'", a->argv[cmd->max_args]);
    return 0;
}

static bool help_asked(const struct cli_args *a)
{
    for (size_t i = 0; i < a->n_opts; i++)
        if (a->opts[i].opt == &help_option)
            return true;
    return false;
}

int cli_parse(const struct cli_command *cmd, int argc, char **argv, struct cli_args *a, struct error **err)
{
    *a = (struct cli_args){ .cmd = cmd, .argv = xcalloc((size_t)argc + 1, sizeof(char *)) };
    struct parser p = { .table = cmd->options, .a = a, .argc = argc, .argv = argv };
    CLEANUP_ERROR struct error *parse_err = NULL;
    int r = parse_words(&p, cmd->options_stop_after, &parse_err);
    if (help_asked(a)) /* --help wins over a bad word elsewhere */
        return 1;
    if (r < 0)
        return error_move(err, &parse_err);
    return check_count(cmd, a, err);
}

void cli_args_clear(struct cli_args *a)
{
    free(a->opts);
    free(a->argv);
    a->opts = NULL;
    a->argv = NULL;
}

bool cli_has(const struct cli_args *a, const char *long_name)
{
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].opt->long_name, long_name) == 0)
            return true;
    return false;
}

const char *cli_get(const struct cli_args *a, const char *long_name, const char *def)
{
    const char *value = def;
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].opt->long_name, long_name) == 0)
            value = a->opts[i].value;
    return value;
}

const char **cli_get_all(const struct cli_args *a, const char *long_name)
{
    const char **v = xcalloc(a->n_opts + 1, sizeof(*v));
    size_t n = 0;
    for (size_t i = 0; i < a->n_opts; i++)
        if (strcmp(a->opts[i].opt->long_name, long_name) == 0 && a->opts[i].value)
            v[n++] = a->opts[i].value;
    return v;
}
