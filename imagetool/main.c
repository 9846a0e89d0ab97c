/* imagetool: images to OCI runtime bundles. Global options, then a
 * command; each command lives in imagetool/cmd/ (the table below). */
#include <stdio.h>
#include <string.h>

#include "common/cli.h"
#include "common/log.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/rootless.h"
#include "imagetool/store/store.h"

#define IMAGETOOL_VERSION "0.1.0"

static const struct cli_command *const commands[] = {
    &cmd_pull, &cmd_unpack, &cmd_images, &cmd_inspect, &cmd_rm, &cmd_gc, &cmd_mount, &cmd_umount, &cmd_rm_bundle,
    &cmd_apply_layer, NULL,
};

static const struct cli_option globals[] = {
    { 0, "store", CLI_ARG, "DIR", "the image store (see specs/store.md)",
      STORE_DEFAULT_ROOT "; not root: $XDG_DATA_HOME/imagetool, else ~/.local/share/imagetool", 0 },
    { 0, "debug", CLI_NOARG, NULL, "log debug lines too", NULL, 0 },
    { 0 },
};

static int global(const struct cli_option *opt, const char *value, void *ctx, struct error **err)
{
    (void)err;
    struct global_opts *g = ctx;
    if (strcmp(opt->long_name, "store") == 0)
        g->store_root = value;
    else if (strcmp(opt->long_name, "debug") == 0)
        g->debug = true;
    return 0;
}

static int prepare(const struct cli_command *cmd, char **argv, void *ctx, struct error **err)
{
    (void)cmd, (void)argv;
    const struct global_opts *g = ctx;
    return log_init(NULL, false, g->debug, err);
}

static const struct cli_program program = {
    .name = "imagetool",
    .summary = "pull, store and unpack container images into OCI runtime bundles",
    .version = "imagetool version " IMAGETOOL_VERSION "\n",
    .description = "Sources: docker://HOST/REPO[:TAG|@DIGEST], docker-archive:FILE[:REPO:TAG|:@N],\n"
                   "         oci:DIR[:TAG], oci-archive:FILE[:TAG], dir:DIR\n",
    .globals = globals,
    .global = global,
    .prepare = prepare,
    .commands = commands,
};

int main(int argc, char **argv)
{
    struct global_opts g = { .store_root = rootless_store_default() };
    log_set_program("imagetool");
    return cli_main(&program, argc, argv, &g);
}
