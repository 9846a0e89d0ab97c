/* The transport table: "transport:rest" to the source that imports it. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "imagetool/source.h"

static const struct source *const sources[] = {
    &source_docker_registry, &source_docker_archive, &source_oci_layout, &source_oci_archive, &source_dir,
    &source_aci, &source_appc,
};

int source_lookup(const char *ref, const struct source **src, const char **rest, struct error **err)
{
    const char *colon = strchr(ref, ':');
    if (colon == NULL)
        return error_setc(err, EXIT_INVALID, 0,
                          "'%s': expected TRANSPORT:NAME (docker://, docker-archive:, oci:, oci-archive:, dir:, aci:, appc:)", ref);
    size_t len = (size_t)(colon - ref);
    for (size_t i = 0; i < sizeof(sources) / sizeof(sources[0]); i++) {
        if (strlen(sources[i]->transport) == len && strncmp(sources[i]->transport, ref, len) == 0) {
            *src = sources[i];
            *rest = colon + 1;
            return 0;
        }
    }
    return error_setc(err, EXIT_INVALID, 0, "'%s': unknown transport '%.*s'", ref, (int)len, ref);
}

int source_import(struct store *s, const char *ref, const struct import_opts *o, struct imported *out,
                  struct error **err)
{
    const struct source *src = NULL;
    const char *rest = NULL;
    memset(out, 0, sizeof(*out));
    if (source_lookup(ref, &src, &rest, err) < 0)
        return -1;
    /* readers' lock for the whole import: gc cannot take a blob from under it */
    if (store_lock(s, false, err) < 0)
        return -1;
    if (src->import(s, rest, o, out, err) < 0) {
        imported_clear(out);
        return -1;
    }
    CLEANUP_FREE char *want = o->name ? store_name_normalise(o->name) : NULL;
    if (want && (out->name == NULL || strcmp(out->name, want) != 0)) {
        struct store_image img = { 0 };
        int r = store_resolve(s, out->manifest_digest, &img, err);
        if (r == 0)
            r = store_tag(s, want, img.digest, img.media_type, img.size, err);
        store_image_clear(&img);
        if (r < 0)
            return -1;
        free(out->name);
        out->name = TAKE_PTR(want);
    }
    return 0;
}

void imported_clear(struct imported *i)
{
    free(i->name);
    i->name = NULL;
}
