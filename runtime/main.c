/* runtime: an OCI runtime with runc's command line. Global options, then a
 * command; each command lives in runtime/cmd/. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "runtime/cmd/cmd.h"
#include "runtime/security/cloned_binary.h"

#define RUNTIME_VERSION "0.1.0"
#define RUNTIME_SPEC_VERSION "1.0.2"

static const struct command {
    const char *name;
    cmd_fn fn;
    const char *summary;
} commands[] = {
    { "create", cmd_create, "create a container from a bundle" },
    { "start", cmd_start, "start the process of a created container" },
    { "run", cmd_run, "create and start a container" },
    { "state", cmd_state, "print a container's state as JSON" },
    { "kill", cmd_kill, "send a signal to a container's init (or all its processes)" },
    { "delete", cmd_delete, "delete a container and its resources" },
    { "list", cmd_list, "list the containers under --root" },
    { "spec", cmd_spec, "write a default config.json" },
    { "features", cmd_features, "print the features this runtime supports (JSON)" },
    { "exec", cmd_unsupported, "(not supported yet)" },
    { "pause", cmd_unsupported, "(not supported yet)" },
    { "resume", cmd_unsupported, "(not supported yet)" },
    { "update", cmd_unsupported, "(not supported yet)" },
    { "ps", cmd_unsupported, "(not supported yet)" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: runtime [GLOBAL OPTIONS] COMMAND [OPTIONS] [ARGS...]\n\n"
                 "Global options:\n"
                 "  --root DIR               state directory (default " RUNTIME_DEFAULT_ROOT ")\n"
                 "  --log FILE               write log lines to FILE\n"
                 "  --log-format text|json   format of the log lines (default text)\n"
                 "  --debug                  log debug lines too\n"
                 "  --systemd-cgroup         accepted for compatibility\n"
                 "  -h, --help               show this help\n"
                 "  -v, --version            show the version\n\nCommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'runtime COMMAND --help' for a command's options.\n");
}

static void version(void)
{
    printf("runtime version " RUNTIME_VERSION "\nspec: " RUNTIME_SPEC_VERSION "\n");
}

enum { OPT_ROOT = 256, OPT_LOG, OPT_LOG_FORMAT, OPT_DEBUG, OPT_SYSTEMD, OPT_IGNORED };

/* Global options; returns the index of the command, or -1 with an exit code in *code. */
static int parse_globals(int argc, char **argv, struct global_opts *g, int *code)
{
    static const struct option opts[] = {
        { "root", required_argument, NULL, OPT_ROOT },
        { "log", required_argument, NULL, OPT_LOG },
        { "log-format", required_argument, NULL, OPT_LOG_FORMAT },
        { "debug", no_argument, NULL, OPT_DEBUG },
        { "systemd-cgroup", no_argument, NULL, OPT_SYSTEMD },
        { "rootless", required_argument, NULL, OPT_IGNORED },
        { "criu", required_argument, NULL, OPT_IGNORED },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'v' },
        { 0 },
    };
    opterr = 0;
    int c;
    while ((c = getopt_long(argc, argv, "+hv", opts, NULL)) != -1) {
        switch (c) {
        case OPT_ROOT: g->root = optarg; break;
        case OPT_LOG: g->log = optarg; break;
        case OPT_LOG_FORMAT:
            if (strcmp(optarg, "json") != 0 && strcmp(optarg, "text") != 0) {
                fprintf(stderr, "runtime: --log-format: expected text or json, got '%s'\n", optarg);
                *code = EXIT_USAGE;
                return -1;
            }
            g->log_json = strcmp(optarg, "json") == 0;
            break;
        case OPT_DEBUG: g->debug = true; break;
        case OPT_SYSTEMD: g->systemd_cgroup = true; break;
        case OPT_IGNORED: break;
        case 'h': usage(stdout); *code = 0; return -1;
        case 'v': version(); *code = 0; return -1;
        default:
            fprintf(stderr, "runtime: unknown global option '%s'\n", argv[optind - 1]);
            usage(stderr);
            *code = EXIT_USAGE;
            return -1;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        *code = EXIT_USAGE;
        return -1;
    }
    return optind;
}

int main(int argc, char **argv)
{
    struct global_opts g = { .root = RUNTIME_DEFAULT_ROOT };
    int code = 0;
    if (ensure_cloned_binary(argv, environ) < 0)
        return fprintf(stderr, "runtime: re-execute from a sealed copy of itself (CVE-2019-5736): %m\n"), EXIT_FAIL;
    log_set_program("runtime");
    int first = parse_globals(argc, argv, &g, &code);
    if (first < 0)
        return code;
    CLEANUP_ERROR struct error *err = NULL;
    if (log_init(g.log, g.log_json, g.debug, &err) < 0)
        return log_error_exit(err);
    const char *name = argv[first];
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, name) != 0)
            continue;
        optind = 0; /* each command parses its own options, from its name on */
        int rc = commands[i].fn(argc - first, argv + first, &g, &err);
        return rc < 0 ? log_error_exit(err) : rc;
    }
    fprintf(stderr, "runtime: unknown command '%s'\n", name);
    usage(stderr);
    return EXIT_USAGE;
}
