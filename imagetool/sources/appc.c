/* appc:NAME[:VERSION][,LABEL=VALUE...]: an Appc image by name and labels,
 * from the store when it is there, else by discovery (meta, or simple
 * under --appc-simple-prefix), with its dependencies. os and arch default
 * to the platform asked for (the host's). See specs/appc.md. */
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/appc/fetch.h"
#include "imagetool/registry/curl_dl.h"
#include "imagetool/sources/appc_source.h"
#include "imagetool/sources/import.h"

static int parse_label(const char *kv, size_t len, const char *ref, struct appc_labels *out, struct error **err)
{
    CLEANUP_FREE char *copy = strndup(kv, len);
    char *eq = strchr(copy, '=');
    if (!eq || eq == copy || !eq[1])
        return error_setc(err, EXIT_INVALID, 0, "appc:%s: \"%s\" is not LABEL=VALUE", ref, copy);
    *eq = '\0';
    if (!appc_identifier_ok(copy))
        return error_setc(err, EXIT_INVALID, 0, "appc:%s: label \"%s\" is not an AC identifier", ref, copy);
    appc_label_set(out, copy, eq + 1);
    return 0;
}

int appc_ref_parse(const char *ref, const struct platform *p, char **name, struct appc_labels *labels,
                   struct error **err)
{
    size_t name_len = strcspn(ref, ":,");
    *name = strndup(ref, name_len);
    memset(labels, 0, sizeof(*labels));
    int r = 0;
    if (!appc_identifier_ok(*name))
        r = error_setc(err, EXIT_INVALID, 0, "appc:%s: \"%s\" is not an AC identifier", ref, *name);
    const char *q = ref + name_len;
    if (r == 0 && *q == ':') {
        size_t vlen = strcspn(q + 1, ",");
        CLEANUP_FREE char *v = strndup(q + 1, vlen);
        if (vlen == 0)
            r = error_setc(err, EXIT_INVALID, 0, "appc:%s: empty version", ref);
        else
            appc_label_set(labels, "version", v);
        q += 1 + vlen;
    }
    while (r == 0 && *q == ',') {
        size_t len = strcspn(q + 1, ",");
        r = parse_label(q + 1, len, ref, labels, err);
        q += 1 + len;
    }
    if (r == 0 && !appc_label_get(labels, "os"))
        appc_label_set(labels, "os", p->os);
    if (r == 0 && !appc_label_get(labels, "arch"))
        appc_label_set(labels, "arch", appc_arch_from_oci(p->architecture));
    if (r < 0) {
        free(*name);
        *name = NULL;
        appc_labels_clear(labels);
    }
    return r;
}

void appc_discovery_init(struct appc_discovery *d, const struct import_opts *o)
{
    memset(d, 0, sizeof(*d));
    d->http.tls_verify = o->tls_verify;
    d->http.creds = o->creds;
    d->http.authfile = o->authfile;
    d->simple_prefix = o->appc_simple_prefix;
    d->trust_keys = o->trust_keys;
    d->port = o->appc_port;
}

static int appc_import(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                       struct error **err)
{
    CLEANUP_FREE char *name = NULL;
    struct appc_labels labels;
    if (appc_ref_parse(rest, &o->platform, &name, &labels, err) < 0)
        return -1;
    if (curl_dl_load(err) < 0) {
        appc_labels_clear(&labels);
        return -1;
    }
    struct appc_discovery d;
    appc_discovery_init(&d, o);
    d.http.share = http_share_new();
    struct appc_fetcher f = { &d, appc_discovery_fetch };
    struct appc_resolver r = { .s = s, .fetcher = &f };
    struct appc_image img = { 0 };
    int ret = appc_resolve(&r, name, &labels, NULL, NULL, &img, err);
    appc_resolver_clear(&r);
    appc_http_clear(&d.http);
    curl_share_cleanup(d.http.share);
    appc_labels_clear(&labels);
    CLEANUP_FREE char *source = xasprintf("appc:%s", rest);
    if (ret == 0)
        ret = import_tag(s, o, o->name ? NULL : source, img.digest, MT_OCI_MANIFEST, img.size, out, err);
    appc_image_clear(&img);
    return ret;
}

const struct source source_appc = { .transport = "appc", .import = appc_import, .remote = true };
