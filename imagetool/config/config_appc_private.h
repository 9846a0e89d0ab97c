/* What config_appc*.c share. */
#ifndef IMAGETOOL_CONFIG_CONFIG_APPC_PRIVATE_H
#define IMAGETOOL_CONFIG_CONFIG_APPC_PRIVATE_H

#include <stdbool.h>
#include <yajl/yajl_tree.h>

#include "imagetool/config/config_appc.h"

/* The value of the app's isolator called name, or NULL. */
yajl_val appc_isolator(const struct appc_app *a, const char *name);
int appc_apply_seccomp(const struct appc_app *a, struct spec *s, struct error **err);
/* The app's member called name (NULL: none, or no app). */
yajl_val appc_app_member(const struct appc_app *a, const char *name);

#endif
