/* imagetool: images to OCI runtime bundles. Global options, then a subcommand. */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/store/store.h"

#define IMAGETOOL_VERSION "0.1.0"

static const struct command {
    const char *name;
    cmd_fn fn;
    const char *summary;
} commands[] = {
    { "pull", cmd_pull, "import an image into the store" },
    { "unpack", cmd_unpack, "make an OCI runtime bundle from an image" },
    { "images", cmd_images, "list the images in the store" },
    { "inspect", cmd_inspect, "show an image's manifest and config" },
    { "rm", cmd_rm, "remove an image name from the store" },
    { "gc", cmd_gc, "drop blobs and cached layers no image uses" },
    { "umount", cmd_umount, "unmount an overlay bundle's rootfs" },
    { "rm-bundle", cmd_rm_bundle, "unmount and delete a bundle" },
    { "apply-layer", cmd_apply_layer, "apply one layer tar to a directory (like umoci raw unpack)" },
};

static void usage(FILE *out)
{
    fprintf(out, "usage: imagetool [--store DIR] [--debug] COMMAND [ARGS...]\n\n"
                 "Sources: docker://HOST/REPO[:TAG|@DIGEST], docker-archive:FILE[:REPO:TAG|:@N],\n"
                 "         oci:DIR[:TAG], oci-archive:FILE[:TAG], dir:DIR\n"
                 "Store:   " STORE_DEFAULT_ROOT " unless --store DIR (see specs/store.md)\n\nCommands:\n");
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
        fprintf(out, "  %-10s %s\n", commands[i].name, commands[i].summary);
    fprintf(out, "\nRun 'imagetool COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
    struct global_opts g = { .store_root = STORE_DEFAULT_ROOT };
    static const struct option opts[] = {
        { "store", required_argument, NULL, 's' },
        { "debug", no_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { "version", no_argument, NULL, 'v' },
        { 0 },
    };
    log_set_program("imagetool");
    int c;
    while ((c = getopt_long(argc, argv, "+h", opts, NULL)) != -1) {
        switch (c) {
        case 's': g.store_root = optarg; break;
        case 'd': g.debug = true; break;
        case 'h': usage(stdout); return 0;
        case 'v': printf("imagetool version %s\n", IMAGETOOL_VERSION); return 0;
        default: usage(stderr); return EXIT_USAGE;
        }
    }
    if (optind >= argc) {
        usage(stderr);
        return EXIT_USAGE;
    }
    log_init(NULL, false, g.debug, NULL);
    const char *name = argv[optind];
    for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
        if (strcmp(commands[i].name, name) != 0)
            continue;
        CLEANUP_ERROR struct error *err = NULL;
        int sub_argc = argc - optind;
        char **sub_argv = argv + optind;
        optind = 0; /* each command parses its own options, from its name on */
        if (commands[i].fn(sub_argc, sub_argv, &g, &err) < 0)
            return log_error_exit(err);
        return 0;
    }
    fprintf(stderr, "imagetool: unknown command '%s'\n", name);
    return EXIT_USAGE;
}
