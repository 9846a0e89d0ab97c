/* imagetool's subcommands: one file each under imagetool/cmd/. Each gets
 * argv from the subcommand name on and the global options. */
#ifndef IMAGETOOL_CMD_H
#define IMAGETOOL_CMD_H

#include <stdbool.h>

#include "common/error.h"

struct global_opts {
    const char *store_root; /* --store, default STORE_DEFAULT_ROOT */
    bool debug;
};

typedef int (*cmd_fn)(int argc, char **argv, const struct global_opts *g, struct error **err);

int cmd_pull(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_images(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_inspect(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_rm(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_gc(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_unpack(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_umount(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_rm_bundle(int argc, char **argv, const struct global_opts *g, struct error **err);
int cmd_apply_layer(int argc, char **argv, const struct global_opts *g, struct error **err);

#endif
