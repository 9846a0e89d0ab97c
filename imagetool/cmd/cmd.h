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

extern const struct cli_command cmd_pull, cmd_unpack, cmd_images, cmd_inspect, cmd_rm, cmd_gc, cmd_mount, cmd_umount,
    cmd_rm_bundle, cmd_apply_layer;

/* "true" (or no value) / "false", for --tls-verify[=BOOL]. */
int cmd_parse_bool(const char *option, const char *text, bool *out, struct error **err);

/* Added: --appc-simple-prefix URI, --trust-keys DIR, --appc-port PORT into o. */
struct import_opts;
int cmd_appc_option(const char *option, const char *value, struct import_opts *o, struct error **err);
#define CMD_APPC_OPTIONS(id_prefix, id_keys, id_port)                                                               \
    { 0, "appc-simple-prefix", CLI_ARG, "URI", "Appc simple discovery under this http(s):// or file:// prefix",      \
      "meta discovery", id_prefix },                                                                                 \
    { 0, "trust-keys", CLI_ARG, "DIR", "verify discovered ACIs' signatures with the keys in DIR", "not verified",     \
      id_keys },                                                                                                     \
    { 0, "appc-port", CLI_ARG, "PORT", "port for Appc meta discovery", "the scheme's", id_port }

#endif
