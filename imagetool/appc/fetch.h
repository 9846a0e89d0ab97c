/* The resolver's fetcher over discovery: Mesos' simple discovery under a
 * URI prefix (http://, https:// or file://) when one is given, else meta
 * discovery; then the signature, checked when trust keys are given. */
#ifndef IMAGETOOL_APPC_FETCH_H
#define IMAGETOOL_APPC_FETCH_H

#include "imagetool/appc/http.h"
#include "imagetool/appc/resolve.h"

struct appc_discovery {
    struct appc_http http;
    const char *simple_prefix; /* NULL: meta discovery */
    const char *trust_keys;    /* NULL: not verified (said once) */
    int port;                  /* meta discovery's port, 0 = the scheme's */
    bool warned;
};

int appc_discovery_fetch(void *ctx, const char *name, const struct appc_labels *labels, char **file,
                         struct error **err);

#endif
