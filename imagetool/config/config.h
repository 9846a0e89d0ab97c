/* Image config -> runtime-spec config.json, following the OCI image-spec's
 * conversion rules (specs/bundle.md holds the mapping table) on top of
 * Docker's defaults (defaults.h). */
#ifndef IMAGETOOL_CONFIG_CONFIG_H
#define IMAGETOOL_CONFIG_CONFIG_H

#include <stdbool.h>

#include "common/error.h"
#include "common/spec.h"
#include "imagetool/config/defaults.h"
#include "imagetool/image/image.h"
#include "imagetool/privileges.h"
#include "imagetool/config/resources.h"

/* What the command line asked for on top of the image. */
struct config_opts {
    bool has_entrypoint;
    char **entrypoint;     /* --entrypoint: replaces Entrypoint, clears Cmd */
    char **args;           /* arguments after BUNDLE: replace Cmd (NULL = none given) */
    char **env;            /* --env K=V (or K: take the value from our environment) */
    const char *user;      /* --user, NULL = the image's */
    const char *hostname;  /* NULL = none */
    struct default_opts defaults;
    struct resource_flags resources;
    struct privilege_opts privileges;
    char **volumes;        /* --volume NAME=HOSTPATH[:ro]: Appc mount points (config_appc.h) */
};

/* rootfd: the bundle's rootfs, where /etc/passwd and /etc/group are read. */
int config_build(const struct image_config *ic, int rootfd, const struct config_opts *o, struct spec **out,
                 struct error **err);

/* process.args when neither the image nor the command line names one. */
#define NO_COMMAND_DEFAULT "sh"

/* The pieces, exposed for tests and for each other. */
int config_args(const struct image_config *ic, const struct config_opts *o, char ***out, struct error **err);
/* Image Env, then each override replaces a variable of the same name or is appended. */
int config_env(char *const *image_env, char *const *overrides, char ***out, struct error **err);
/* Set NAME=value unless NAME is present. first: prepend instead of append. */
void env_default(char ***env, const char *name, const char *value, bool first);
void config_annotations(const struct image_config *ic, struct spec *s);
/* A label key other runtimes act on (run.oci.*, org.criu.*, ...), which
 * config_annotations drops (label_filter.c). */
bool label_is_control(const char *key);
/* "--entrypoint" text: a JSON array of strings, or one string (one argument;
 * the empty string means no entrypoint). */
int parse_entrypoint(const char *text, char ***out, struct error **err);

#endif
