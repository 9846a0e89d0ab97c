/* Appc image discovery (discovery.md): meta discovery of the templates in
 * the ac-discovery / ac-discovery-pubkeys meta tags of
 * https://{name}?ac-discovery=1, walking up the name's prefixes; template
 * rendering; Mesos' simple discovery under a URI prefix. */
#ifndef IMAGETOOL_APPC_DISCOVERY_H
#define IMAGETOOL_APPC_DISCOVERY_H

#include "imagetool/appc/http.h"
#include "imagetool/appc/manifest.h"

struct appc_endpoints {
    char **templates; /* ac-discovery URL templates whose prefix matches */
    char **pubkeys;   /* ac-discovery-pubkeys URLs */
};
void appc_endpoints_clear(struct appc_endpoints *e);

/* The meta tags of one HTML page that apply to name. */
void appc_meta_parse(const char *html, const char *name, struct appc_endpoints *out);
/* {name} {version} {os} {arch} {ext} and any other {label}; NULL when a
 * placeholder has no value (the template does not apply). */
char *appc_render(const char *tmpl, const char *name, const struct appc_labels *labels, const char *ext);
/* port > 0: use it for the discovery URLs (appc's discovery allows it). */
int appc_meta_discover(struct appc_http *h, const char *name, int port, struct appc_endpoints *out,
                       struct error **err);
/* PREFIX/{name}-{version}-{os}-{arch}.{ext} (Mesos' simple discovery). */
char *appc_simple_url(const char *prefix, const char *name, const struct appc_labels *labels, const char *ext);

#endif
