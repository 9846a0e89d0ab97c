/* What aci: and appc: share. */
#ifndef IMAGETOOL_SOURCES_APPC_SOURCE_H
#define IMAGETOOL_SOURCES_APPC_SOURCE_H

#include "imagetool/appc/fetch.h"
#include "imagetool/source.h"

/* "NAME[:VERSION][,LABEL=VALUE...]" -> name and labels, os/arch from p when absent. */
int appc_ref_parse(const char *ref, const struct platform *p, char **name, struct appc_labels *labels,
                   struct error **err);
/* Discovery settings from the import options (share not set). */
void appc_discovery_init(struct appc_discovery *d, const struct import_opts *o);

#endif
