/* imagetool pull SOURCE: import an image into the store. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/source.h"

static const char usage[] = "usage: imagetool pull [--name NAME] [--platform OS/ARCH[/VARIANT]] [--quiet]\n"
                            "                      [--creds USER:PASS] [--authfile FILE] [--tls-verify=false] SOURCE";

static int parse_bool(const char *text, bool *out, struct error **err)
{
    if (text == NULL || strcmp(text, "true") == 0)
        *out = true;
    else if (strcmp(text, "false") == 0)
        *out = false;
    else
        return error_setc(err, EXIT_USAGE, 0, "expected true or false, got '%s'", text);
    return 0;
}

int cmd_pull(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    static const struct option opts[] = {
        { "name", required_argument, NULL, 'n' },   { "platform", required_argument, NULL, 'p' },
        { "quiet", no_argument, NULL, 'q' },        { "creds", required_argument, NULL, 'c' },
        { "authfile", required_argument, NULL, 'a' }, { "tls-verify", optional_argument, NULL, 't' },
        { "help", no_argument, NULL, 'h' },         { 0 },
    };
    struct import_opts o = { .platform = platform_host(), .tls_verify = true };
    CLEANUP_FREE char *platform_storage = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "qh", opts, NULL)) != -1) {
        switch (c) {
        case 'n': o.name = optarg; break;
        case 'p':
            free(platform_storage);
            if (platform_parse(optarg, &o.platform, &platform_storage, err) < 0)
                return -1;
            break;
        case 'q': o.quiet = true; break;
        case 'c': o.creds = optarg; break;
        case 'a': o.authfile = optarg; break;
        case 't':
            if (parse_bool(optarg, &o.tls_verify, err) < 0)
                return -1;
            break;
        case 'h': puts(usage); return 0;
        default: return error_setc(err, EXIT_USAGE, 0, "%s", usage);
        }
    }
    if (optind != argc - 1)
        return error_setc(err, EXIT_USAGE, 0, "%s", usage);
    CLEANUP_STORE struct store *s = NULL;
    struct imported im = { 0 };
    if (store_open(g->store_root, &s, err) < 0 || source_import(s, argv[optind], &o, &im, err) < 0)
        return -1;
    if (o.quiet)
        printf("%s\n", im.manifest_digest);
    else
        printf("imported %s %s\n", im.name ? im.name : "<none>", im.manifest_digest);
    imported_clear(&im);
    return 0;
}
