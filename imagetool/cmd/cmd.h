/* imagetool's commands: one file each under imagetool/cmd/, each defining
 * one struct cli_command (common/cli.h) listed in imagetool/main.c. A
 * command's cli_args carry the global options in ctx (struct global_opts). */
#ifndef IMAGETOOL_CMD_H
#define IMAGETOOL_CMD_H

#include <stdbool.h>

#include "common/cli.h"
#include "common/error.h"

struct global_opts {
    const char *store_root; /* --store, default STORE_DEFAULT_ROOT */
    bool debug;
};

static inline const struct global_opts *cmd_globals(const struct cli_args *a)
{
    return a->ctx;
}

extern const struct cli_command cmd_pull, cmd_unpack, cmd_images, cmd_inspect, cmd_rm, cmd_gc, cmd_umount,
    cmd_rm_bundle, cmd_apply_layer;

/* "true" (or no value) / "false", for --tls-verify[=BOOL]. */
int cmd_parse_bool(const char *option, const char *text, bool *out, struct error **err);

#endif
