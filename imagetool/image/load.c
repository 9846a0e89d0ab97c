/* From a name in the store to the manifest and config of one platform. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/appc/image_config.h"
#include "imagetool/appc/manifest.h"
#include "imagetool/image/private.h"

#define MAX_INDEX_DEPTH 8

static int load_manifest(struct store *s, const char *digest, const struct platform *p, struct manifest *m,
                         struct error **err)
{
    CLEANUP_FREE char *current = xstrdup(digest);
    for (int depth = 0; depth < MAX_INDEX_DEPTH; depth++) {
        CLEANUP_FREE char *json = NULL;
        size_t len = 0;
        if (store_blob_read(s, current, &json, &len, err) < 0)
            return -1;
        if (!image_json_is_index(json, len)) {
            if (manifest_parse(json, len, m, err) < 0)
                return error_prefix(err, "manifest %s", current);
            return 0;
        }
        struct descriptor d = { 0 };
        if (index_select(json, len, p, &d, err) < 0)
            return error_prefix(err, "index %s", current);
        free(current);
        current = TAKE_PTR(d.digest);
        descriptor_clear(&d);
    }
    return error_setc(err, EXIT_INVALID, 0, "manifest %s: indexes nested deeper than %d", digest, MAX_INDEX_DEPTH);
}

static size_t count_strv(char **v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

int image_load(struct store *s, const char *ref, const struct platform *p, struct manifest *m,
               struct image_config *c, struct error **err)
{
    struct store_image img = { 0 };
    if (store_lock(s, false, err) < 0 || store_resolve(s, ref, &img, err) < 0)
        return -1;
    int r = load_manifest(s, img.digest, p, m, err);
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    bool appc = r == 0 && m->config.media_type && strcmp(m->config.media_type, MT_APPC_MANIFEST) == 0;
    if (r == 0 && (store_blob_read(s, m->config.digest, &json, &len, err) < 0 ||
                   (appc ? appc_image_config(json, len, m, c, err) : image_config_parse(json, len, c, err)) < 0))
        r = -1;
    else if (r == 0 && count_strv(c->diff_ids) != m->n_layers) {
        r = error_setc(err, EXIT_INVALID, 0, "manifest has %zu layers but its config lists %zu diff_ids",
                       m->n_layers, count_strv(c->diff_ids));
        image_config_clear(c);
    }
    if (r < 0) {
        manifest_clear(m);
        error_prefix(err, "image %s", ref);
    }
    store_image_clear(&img);
    return r;
}
