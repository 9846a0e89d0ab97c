/* The OCI layout walk shared by oci:, oci-archive: and Docker >= 25 saves:
 * index.json entry -> (nested) index -> one platform's manifest -> blobs. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/image/private.h"
#include "imagetool/sources/import.h"

#define MAX_INDEX_DEPTH 8
#define REF_NAME "org.opencontainers.image.ref.name"

struct entry {
    struct descriptor d;
    const char *ref_name; /* points into the parsed index.json */
};

static const char *entry_ref_name(yajl_val v)
{
    yajl_val ann = json_member(v, "annotations");
    const char *name = NULL;
    if (ann && json_get_string(ann, "", REF_NAME, &name, NULL) == 1)
        return name;
    return NULL;
}

static void list_tags(yajl_val list, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < YAJL_GET_ARRAY(list)->len && used < size; i++) {
        const char *name = entry_ref_name(YAJL_GET_ARRAY(list)->values[i]);
        if (name)
            used += (size_t)snprintf(buf + used, size - used, "%s%s", used ? ", " : "", name);
    }
    if (!buf[0])
        snprintf(buf, size, "none");
}

static int choose_entry(yajl_val index, const char *tag, struct entry *out, struct error **err)
{
    yajl_val list = NULL;
    if (json_expect_object(index, "index.json", err) < 0 || json_get_array(index, "", "manifests", &list, err) < 0)
        return error_prefix(err, "index.json");
    size_t n = list ? YAJL_GET_ARRAY(list)->len : 0;
    if (n == 0)
        return error_setc(err, EXIT_INVALID, 0, "index.json lists no images");
    char tags[512];
    list_tags(list, tags, sizeof(tags));
    ssize_t pick = -1;
    for (size_t i = 0; i < n && pick < 0; i++) {
        const char *name = entry_ref_name(YAJL_GET_ARRAY(list)->values[i]);
        if (tag ? (name && strcmp(name, tag) == 0) : n == 1)
            pick = (ssize_t)i;
    }
    if (pick < 0 && tag)
        return error_setc(err, EXIT_NOTFOUND, 0, "no image tagged '%s' in index.json (tags: %s)", tag, tags);
    if (pick < 0)
        return error_setc(err, EXIT_INVALID, 0, "index.json lists %zu images; choose one with :TAG (tags: %s)", n,
                          tags);
    yajl_val v = YAJL_GET_ARRAY(list)->values[pick];
    char where[48];
    snprintf(where, sizeof(where), "index.json: manifests[%zd]", pick);
    if (descriptor_parse(v, where, &out->d, err) < 0)
        return -1;
    out->ref_name = entry_ref_name(v);
    return 0;
}

/* Follow indexes down to one manifest; *json gets its bytes. */
static int resolve_manifest(const struct blob_provider *bp, const struct platform *p, struct descriptor *d,
                            char **json, size_t *len, struct error **err)
{
    for (int depth = 0; depth < MAX_INDEX_DEPTH; depth++) {
        CLEANUP_FREE char *buf = NULL;
        size_t n = 0;
        if (bp->read(bp->ctx, d, &buf, &n, err) < 0)
            return -1;
        if (!media_type_is_index(d->media_type) && !image_json_is_index(buf, n)) {
            *json = TAKE_PTR(buf);
            *len = n;
            return 0;
        }
        struct descriptor next = { 0 };
        if (index_select(buf, n, p, &next, err) < 0)
            return error_prefix(err, "index %s", d->digest);
        descriptor_clear(d);
        *d = next;
    }
    return error_setc(err, EXIT_INVALID, 0, "indexes nested deeper than %d", MAX_INDEX_DEPTH);
}

/* The config is read once from the source, checked, then stored. */
static int store_config(struct store *s, const struct blob_provider *bp, const struct manifest *m,
                        struct error **err)
{
    CLEANUP_FREE char *json = NULL;
    size_t len = 0, n = 0;
    struct image_config c = { 0 };
    if (bp->read(bp->ctx, &m->config, &json, &len, err) < 0 || image_config_parse(json, len, &c, err) < 0)
        return -1;
    while (c.diff_ids[n])
        n++;
    image_config_clear(&c);
    if (n != m->n_layers)
        return error_setc(err, EXIT_INVALID, 0, "manifest has %zu layers but its config lists %zu diff_ids",
                          m->n_layers, n);
    if (store_has_blob(s, m->config.digest))
        return 0;
    if (bp->staged)
        return bp->ensure(bp->ctx, s, &m->config, err);
    return store_put_blob(s, json, len, m->config.digest, NULL, err);
}

/* Tells the watch (an unpack's layer pipeline) each blob as it enters the
 * store, as a pull does: the first layer is converted while the next are
 * still being verified. */
static void tell_blob(const struct import_opts *o, const char *digest)
{
    if (o->watch)
        o->watch->blob(o->watch->ctx, digest);
}

static bool all_blobs_stored(struct store *s, const struct manifest *m)
{
    bool all = store_has_blob(s, m->config.digest);
    for (size_t i = 0; all && i < m->n_layers; i++)
        all = store_has_blob(s, m->layers[i].digest);
    return all;
}

static int store_image_blobs(struct store *s, const struct blob_provider *bp, const struct manifest *m,
                             const struct import_opts *o, struct error **err)
{
    if (store_config(s, bp, m, err) < 0)
        return -1;
    tell_blob(o, m->config.digest);
    for (size_t i = 0; !o->config_only && i < m->n_layers; i++) {
        if (bp->ensure(bp->ctx, s, &m->layers[i], err) < 0)
            return error_prefix(err, "layer %zu", i + 1);
        tell_blob(o, m->layers[i].digest);
    }
    return 0;
}

static int import_entry(struct store *s, const struct blob_provider *bp, struct entry *e, const char *tag,
                        const char *source, const struct import_opts *o, struct imported *out, struct error **err)
{
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    struct manifest m = { 0 };
    if (resolve_manifest(bp, &o->platform, &e->d, &json, &len, err) < 0)
        return -1;
    if (manifest_parse(json, len, &m, err) < 0)
        return error_prefix(err, "manifest %s", e->d.digest);
    /* a store that has every blob already makes the import instant: no
     * pipeline to start (a further bundle starts no thread) */
    struct import_opts watched = *o;
    if (!o->watch || all_blobs_stored(s, &m))
        watched.watch = NULL;
    else
        o->watch->manifest(o->watch->ctx, json, len);
    char digest[DIGEST_STR_LEN + 1];
    int r = store_image_blobs(s, bp, &m, &watched, err);
    if (r == 0)
        r = store_put_blob(s, json, len, e->d.digest, digest, err);
    const char *ref = tag ? tag : e->ref_name;
    CLEANUP_FREE char *name = ref ? oci_ref_store_name(source, ref) : xstrdup(source);
    if (r == 0)
        r = import_tag(s, o, name, digest, m.media_type, len, out, err);
    manifest_clear(&m);
    return r;
}

int oci_index_import(struct store *s, const struct blob_provider *bp, const char *index_json, size_t len,
                     const char *tag, const char *source, const struct import_opts *o, struct imported *out,
                     struct error **err)
{
    CLEANUP_JSON yajl_val index = NULL;
    struct entry e = { 0 };
    if (json_parse_max(index_json, len, JSON_MANIFEST_MAX, "index.json", &index, err) < 0 || choose_entry(index, tag, &e, err) < 0)
        return -1;
    int r = import_entry(s, bp, &e, tag, source, o, out, err);
    descriptor_clear(&e.d);
    return r;
}
