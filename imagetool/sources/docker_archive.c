/* docker-archive:FILE[:REF]: `docker save` output (legacy layer dirs or the
 * OCI layout of Docker >= 25; both carry manifest.json), possibly
 * compressed as a whole. REF is a RepoTag or "@N" (the Nth image). The
 * image gets a synthesized OCI manifest over the config and layer blobs,
 * which are stored exactly as they come. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/sources/archive_ref.h"
#include "imagetool/sources/archive_stage.h"
#include "imagetool/sources/import.h"

struct save_item {
    const char *config;
    yajl_val repo_tags; /* array or NULL */
    yajl_val layers;
};

static int read_manifest_json(struct archive_stage *st, yajl_val *out, struct error **err)
{
    struct staged_entry *e = NULL;
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    CLEANUP_ERROR struct error *missing = NULL;
    if (archive_stage_find(st, "manifest.json", &e, &missing) < 0)
        return error_setc(err, EXIT_INVALID, 0,
                          "no manifest.json: not a docker save archive, or a legacy (pre Docker 1.10) one, "
                          "which is unsupported");
    if (archive_stage_data(st, e, &json, &len, err) < 0 || json_parse(json, len, "manifest.json", out, err) < 0)
        return -1;
    if (!YAJL_IS_ARRAY(*out))
        return error_setc(err, EXIT_INVALID, 0, "manifest.json: expected an array of images, got %s",
                          json_type_name(*out));
    if (YAJL_GET_ARRAY(*out)->len == 0)
        return error_setc(err, EXIT_INVALID, 0, "manifest.json: lists no images");
    return 0;
}

static bool has_tag(yajl_val tags, const char *ref)
{
    CLEANUP_FREE char *want = store_name_normalise(ref);
    for (size_t i = 0; tags && YAJL_IS_ARRAY(tags) && i < YAJL_GET_ARRAY(tags)->len; i++) {
        const char *t = YAJL_GET_STRING(YAJL_GET_ARRAY(tags)->values[i]);
        CLEANUP_FREE char *have = t ? store_name_normalise(t) : NULL;
        if (have && strcmp(have, want) == 0)
            return true;
    }
    return false;
}

static int choose_item(yajl_val list, const char *ref, size_t *index, struct error **err)
{
    size_t n = YAJL_GET_ARRAY(list)->len;
    if (ref && ref[0] == '@') {
        char *end = NULL;
        unsigned long i = strtoul(ref + 1, &end, 10);
        if (!ref[1] || *end || i >= n)
            return error_setc(err, EXIT_NOTFOUND, 0, "'%s': the archive holds images @0 to @%zu", ref, n - 1);
        *index = i;
        return 0;
    }
    for (size_t i = 0; ref && i < n; i++) {
        if (has_tag(json_member(YAJL_GET_ARRAY(list)->values[i], "RepoTags"), ref)) {
            *index = i;
            return 0;
        }
    }
    if (ref)
        return error_setc(err, EXIT_NOTFOUND, 0, "no image tagged '%s' in manifest.json", ref);
    if (n > 1)
        return error_setc(err, EXIT_INVALID, 0, "manifest.json lists %zu images; choose one with :REPO:TAG or :@N", n);
    *index = 0;
    return 0;
}

static int parse_item(yajl_val v, const char *path, struct save_item *it, struct error **err)
{
    if (json_expect_object(v, path, err) < 0 || json_get_string(v, path, "Config", &it->config, err) < 0 ||
        json_get_array(v, path, "Layers", &it->layers, err) < 0 ||
        json_get_array(v, path, "RepoTags", &it->repo_tags, err) < 0)
        return -1;
    if (it->config == NULL)
        return error_setc(err, EXIT_INVALID, 0, "%s.Config: missing", path);
    if (it->layers == NULL)
        return error_setc(err, EXIT_INVALID, 0, "%s.Layers: missing", path);
    for (size_t i = 0; i < YAJL_GET_ARRAY(it->layers)->len; i++)
        if (!YAJL_IS_STRING(YAJL_GET_ARRAY(it->layers)->values[i]))
            return error_setc(err, EXIT_INVALID, 0, "%s.Layers[%zu]: expected string", path, i);
    return 0;
}

static void gen_descriptor(yajl_gen g, const char *media_type, const struct staged_entry *e)
{
    jg_obj_open(g);
    jg_key_str(g, "mediaType", media_type);
    jg_key_str(g, "digest", e->digest);
    jg_key(g, "size");
    jg_uint(g, e->size);
    jg_obj_close(g);
}

static int check_config(struct archive_stage *st, struct staged_entry *e, size_t n_layers, struct error **err)
{
    CLEANUP_FREE char *json = NULL;
    size_t len = 0, n = 0;
    struct image_config c = { 0 };
    if (archive_stage_data(st, e, &json, &len, err) < 0 || image_config_parse(json, len, &c, err) < 0)
        return error_prefix(err, "%s", e->path);
    while (c.diff_ids[n])
        n++;
    image_config_clear(&c);
    if (n != n_layers)
        return error_setc(err, EXIT_INVALID, 0, "manifest.json lists %zu layers but %s has %zu diff_ids",
                          n_layers, e->path, n);
    return 0;
}

/* Commit the config and layers; the OCI manifest naming them goes to *g. */
static int store_item(struct archive_stage *st, const struct save_item *it, yajl_gen g, struct error **err)
{
    struct staged_entry *config = NULL;
    size_t n = YAJL_GET_ARRAY(it->layers)->len;
    if (archive_stage_find(st, it->config, &config, err) < 0 || check_config(st, config, n, err) < 0 ||
        archive_stage_commit(st, config, err) < 0)
        return -1;
    jg_obj_open(g);
    jg_key_int(g, "schemaVersion", 2);
    jg_key_str(g, "mediaType", MT_OCI_MANIFEST);
    jg_key(g, "config");
    gen_descriptor(g, MT_OCI_CONFIG, config);
    jg_key(g, "layers");
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++) {
        struct staged_entry *layer = NULL;
        const char *path = YAJL_GET_STRING(YAJL_GET_ARRAY(it->layers)->values[i]);
        if (archive_stage_find(st, path, &layer, err) < 0 || archive_stage_commit(st, layer, err) < 0)
            return -1;
        gen_descriptor(g, archive_layer_media_type(layer), layer);
    }
    jg_arr_close(g);
    jg_obj_close(g);
    return 0;
}

static char *derived_name(const struct save_item *it, const char *ref, const char *source)
{
    if (ref && ref[0] != '@')
        return xstrdup(ref);
    yajl_val tags = it->repo_tags;
    if (tags && YAJL_GET_ARRAY(tags)->len > 0 && YAJL_IS_STRING(YAJL_GET_ARRAY(tags)->values[0]))
        return xstrdup(YAJL_GET_STRING(YAJL_GET_ARRAY(tags)->values[0]));
    return xstrdup(source);
}

static int import_save(struct store *s, struct archive_stage *st, const char *ref, const char *source,
                       const struct import_opts *o, struct imported *out, struct error **err)
{
    CLEANUP_JSON yajl_val list = NULL;
    size_t index = 0;
    struct save_item it = { 0 };
    if (read_manifest_json(st, &list, err) < 0 || choose_item(list, ref, &index, err) < 0)
        return -1;
    char where[40];
    snprintf(where, sizeof(where), "manifest.json[%zu]", index);
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    if (parse_item(YAJL_GET_ARRAY(list)->values[index], where, &it, err) < 0 || store_item(st, &it, g, err) < 0)
        return -1;
    size_t len = 0;
    const char *manifest = jg_text(g, &len);
    char digest[DIGEST_STR_LEN + 1];
    if (store_put_blob(s, manifest, len, NULL, digest, err) < 0)
        return -1;
    CLEANUP_FREE char *name = derived_name(&it, ref, source);
    return import_tag(s, o, name, digest, MT_OCI_MANIFEST, len, out, err);
}

static int docker_archive_import(struct store *s, const char *rest, const struct import_opts *o,
                                 struct imported *out, struct error **err)
{
    CLEANUP_FREE char *file = NULL, *ref = NULL;
    archive_ref_split(rest, &file, &ref);
    CLEANUP_FREE char *source = source_string("docker-archive", file, ref);
    struct archive_stage st = { 0 };
    if (archive_stage_read(s, file, &st, err) < 0)
        return error_prefix(err, "docker-archive:%s", file);
    int r = import_save(s, &st, ref, source, o, out, err);
    archive_stage_free(&st);
    return r < 0 ? error_prefix(err, "docker-archive:%s", file) : 0;
}

const struct source source_docker_archive = { .transport = "docker-archive", .import = docker_archive_import };
