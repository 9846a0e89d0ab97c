/* Entry names inside an ACI. */
#ifndef IMAGETOOL_APPC_ACI_NAMES_H
#define IMAGETOOL_APPC_ACI_NAMES_H

#include <stdbool.h>

/* The name without leading "./" and "/" (a pointer into name). */
const char *aci_name_clean(const char *name);
/* Whether a component of the name is "..". */
bool aci_name_has_dotdot(const char *name);
/* The path beneath rootfs/ ("" for rootfs itself), or NULL when the name is not in rootfs/. */
const char *aci_rootfs_path(const char *clean_name);

#endif
