/* What the manifest's validation files share. */
#ifndef IMAGETOOL_APPC_MANIFEST_PRIVATE_H
#define IMAGETOOL_APPC_MANIFEST_PRIVATE_H

#include "imagetool/appc/manifest.h"

int appc_app_check(yajl_val app, struct error **err);
int appc_os_arch_check(const struct appc_labels *l, const char *path, struct error **err);
/* [{"name": AC identifier (or AC name), "value": string}, ...], names unique. */
int appc_named_list_check(yajl_val arr, const char *path, bool identifier, struct error **err);

#endif
