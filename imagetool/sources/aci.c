/* aci:FILE: an App Container Image file and its dependencies (found in the
 * store or beside FILE) into the store. See specs/appc.md. */
#include "imagetool/appc/resolve.h"
#include "common/cleanup.h"
#include "imagetool/sources/appc_source.h"
#include "imagetool/sources/import.h"

static int aci_import(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                      struct error **err)
{
    /* dependencies by discovery only when told where (--appc-simple-prefix) */
    struct appc_discovery d;
    appc_discovery_init(&d, o);
    struct appc_fetcher f = { &d, appc_discovery_fetch };
    struct appc_resolver r = { .s = s, .fetcher = o->appc_simple_prefix ? &f : NULL };
    struct appc_image img = { 0 };
    int ret = appc_import_file(&r, rest, &img, err);
    appc_resolver_clear(&r);
    appc_http_clear(&d.http);
    CLEANUP_FREE char *source = source_string("aci", rest, NULL);
    if (ret == 0)
        ret = import_tag(s, o, source, img.digest, MT_OCI_MANIFEST, img.size, out, err);
    appc_image_clear(&img);
    return ret;
}

const struct source source_aci = { .transport = "aci", .import = aci_import };
