/* Kubernetes-style resource quantities as Appc isolators write them
 * ("512M", "1Gi", "500m", "1.5", "2e3"). */
#ifndef IMAGETOOL_APPC_QUANTITY_H
#define IMAGETOOL_APPC_QUANTITY_H

#include <yajl/yajl_tree.h>

#include "common/error.h"

/* A string quantity (or a JSON number) to a double; EXIT_INVALID naming path. */
int appc_quantity(yajl_val v, const char *path, double *out, struct error **err);

#endif
