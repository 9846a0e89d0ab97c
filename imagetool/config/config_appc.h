/* An Appc image's app in config.json beyond what image_config carries:
 * isolators (resource/cpu, resource/memory, capabilities and seccomp
 * retain/remove sets, no-new-privileges, oom-score-adj, cpu-shares),
 * supplementaryGIDs, and the rule that an image with no app needs a
 * command. Command-line flags win over the image. specs/bundle.md. */
#ifndef IMAGETOOL_CONFIG_CONFIG_APPC_H
#define IMAGETOOL_CONFIG_CONFIG_APPC_H

#include "imagetool/config/config.h"

struct appc_app;

int appc_app_load(const struct image_config *ic, struct appc_app **out, struct error **err);
void appc_app_free(struct appc_app *a);
void appc_app_freep(struct appc_app **a);
#define CLEANUP_APPC_APP CLEANUP(appc_app_freep)

/* No app and no command given: EXIT_USAGE. */
int appc_check_command(const struct appc_app *a, const struct config_opts *o, struct error **err);
/* Before the command line's privileges: the capability sets. */
int appc_apply_caps(const struct appc_app *a, struct spec *s, struct error **err);
/* After them: seccomp sets (unless --seccomp/--privileged), no-new-privileges,
 * oom-score-adj, supplementaryGIDs; warnings for isolators not understood. */
int appc_apply_process(const struct appc_app *a, const struct config_opts *o, struct spec *s, struct error **err);
/* resource/memory and resource/cpu fill flags the command line left unset. */
void appc_resource_flags(const struct appc_app *a, struct resource_flags *f);
/* app.mountPoints: a bind mount for each one a --volume NAME=HOSTPATH[:ro]
 * fills, a warning for the others; a volume no mount point names, or any
 * volume for an image that is not Appc, is EXIT_USAGE; a missing HOSTPATH
 * EXIT_NOTFOUND. */
int appc_apply_volumes(const struct appc_app *a, char *const *volumes, struct spec *s, struct error **err);
/* "NAME=/HOST/PATH[:ro]" (each out may be NULL: only checked); EXIT_USAGE. */
int appc_volume_parse(const char *text, char **name, char **host, bool *ro, struct error **err);
/* After resources_apply: os/linux/cpu-shares unless --cpus. */
void appc_apply_cpu_shares(const struct appc_app *a, const struct config_opts *o, struct spec *s);

#endif
