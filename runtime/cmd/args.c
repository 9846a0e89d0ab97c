/* Option parsing helpers shared by runtime's commands. */
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "runtime/cmd/cmd.h"

static void print_help(const struct cmd_info *info)
{
    printf("usage: runtime %s %s\n", info->name, info->usage);
    if (info->help && *info->help)
        printf("\nOptions:\n%s", info->help);
    printf("  -h, --help               show this help\n");
}

int cmd_usage_error(const struct cmd_info *info, struct error **err, const char *fmt, ...)
{
    CLEANUP_FREE char *msg = NULL;
    va_list ap;
    va_start(ap, fmt);
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    return error_setc(err, EXIT_USAGE, 0, "%s: %s (usage: runtime %s %s)", info->name, msg,
                      info->name, info->usage);
}

int cmd_getopt(int argc, char **argv, const char *shortopts, const struct option *longopts,
               const struct cmd_info *info, struct error **err)
{
    opterr = 0;
    int c = getopt_long(argc, argv, shortopts, longopts, NULL);
    if (c == 'h') {
        print_help(info);
        return 'h';
    }
    if (c == '?' || c == ':') {
        const char *opt = argv[optind - 1];
        if (optopt && (optopt != 'h'))
            cmd_usage_error(info, err, "option -%c: %s", optopt,
                            c == ':' ? "needs a value" : "unknown or needs a value");
        else
            cmd_usage_error(info, err, "option %s: unknown or needs a value", opt);
        return '?';
    }
    return c;
}

int cmd_check_args(int argc, char **argv, int min, int max, const struct cmd_info *info,
                   struct error **err)
{
    (void)argv;
    int n = argc - optind;
    if (n < min)
        return cmd_usage_error(info, err, min == 1 ? "a container id is required"
                                                   : "missing arguments");
    if (max >= 0 && n > max)
        return cmd_usage_error(info, err, "unexpected argument '%s'", argv[optind + max]);
    return 0;
}

yajl_gen cmd_json_gen(void)
{
    yajl_gen g = json_gen_new(true);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    return g;
}

void cmd_json_print(yajl_gen g)
{
    size_t len;
    const char *text = jg_text(g, &len);
    fwrite(text, 1, len, stdout);
    if (len == 0 || text[len - 1] != '\n')
        putchar('\n');
}

int cmd_parse_id(int argc, char **argv, const struct cmd_info *info, const char **id, struct error **err)
{
    static const struct option opts[] = { { "help", no_argument, NULL, 'h' }, { 0 } };
    int c;
    while ((c = cmd_getopt(argc, argv, "+h", opts, info, err)) != -1)
        if (c == 'h' || c == '?')
            return c == 'h' ? 1 : -1;
    if (cmd_check_args(argc, argv, 1, 1, info, err) < 0)
        return -1;
    *id = argv[optind];
    return 0;
}
