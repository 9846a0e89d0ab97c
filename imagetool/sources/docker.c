/* docker://[HOST[:PORT]/]REPO[:TAG][@DIGEST]: pull from a registry into the
 * store. The manifest goes in last, after every blob it names, so a pull
 * cut short never leaves a manifest pointing at missing blobs. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/progress.h"
#include "imagetool/ref.h"
#include "imagetool/registry/blobs.h"
#include "imagetool/registry/client.h"
#include "imagetool/registry/manifest.h"
#include "imagetool/source.h"
#include "imagetool/sources/import.h"

/* Config first (it is small and unpack needs it), then the layers. */
static struct descriptor *blob_list(const struct manifest *m, size_t *n)
{
    struct descriptor *d = xcalloc(m->n_layers + 1, sizeof(*d));
    d[0] = m->config;
    for (size_t i = 0; i < m->n_layers; i++)
        d[i + 1] = m->layers[i];
    *n = m->n_layers + 1;
    return d;
}

static int store_image(struct store *s, const struct docker_ref *ref, const struct import_opts *o,
                       const struct fetched_manifest *fm, struct imported *out, struct error **err)
{
    char digest[DIGEST_STR_LEN + 1];
    if (store_put_blob(s, fm->body, fm->len, fm->digest, digest, err) < 0)
        return error_prefix(err, "manifest %s", fm->digest);
    CLEANUP_FREE char *name = docker_ref_store_name(ref);
    return import_tag(s, o, name, fm->digest, fm->media_type, fm->len, out, err);
}

static int pull(struct store *s, const struct docker_ref *ref, const struct import_opts *o, struct imported *out,
                struct error **err)
{
    struct registry r;
    if (registry_open(&r, ref, o, err) < 0)
        return -1;
    struct platform p = o->platform.os ? o->platform : platform_host();
    struct fetched_manifest fm;
    struct manifest m = { 0 };
    int ret = manifest_resolve(&r, ref, &p, &fm, &m, err);
    if (ret < 0) {
        registry_close(&r);
        return -1;
    }
    size_t n;
    CLEANUP_FREE struct descriptor *blobs = blob_list(&m, &n);
    if (o->config_only)
        n = 1;
    if (o->watch && !o->config_only)
        o->watch->manifest(o->watch->ctx, fm.body, fm.len);
    struct progress *prog = progress_new(o->quiet, -1);
    ret = blobs_fetch(&r, s, blobs, n, prog, o->config_only ? NULL : o->watch, err);
    if (ret == 0)
        ret = store_image(s, ref, o, &fm, out, err);
    progress_free(prog);
    manifest_clear(&m);
    fetched_manifest_clear(&fm);
    registry_close(&r);
    return ret;
}

static int registry_import(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                           struct error **err)
{
    if (strncmp(rest, "//", 2) != 0)
        return error_setc(err, EXIT_INVALID, 0, "docker:%s: expected docker://[HOST/]REPO[:TAG|@DIGEST]", rest);
    struct docker_ref ref;
    if (docker_ref_parse(rest + 2, &ref, err) < 0)
        return -1;
    CLEANUP_FREE char *full = docker_ref_string(&ref);
    int ret = pull(s, &ref, o, out, err);
    if (ret < 0)
        error_prefix(err, "docker://%s", full);
    docker_ref_clear(&ref);
    return ret;
}

const struct source source_docker_registry = { .transport = "docker", .import = registry_import, .remote = true };
