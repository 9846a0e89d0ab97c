/* Manifests (OCI and Docker schema2) and the descriptors inside them. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/image/private.h"

void descriptor_clear(struct descriptor *d)
{
    free(d->media_type);
    free(d->digest);
    free(d->os);
    free(d->architecture);
    free(d->variant);
    memset(d, 0, sizeof(*d));
}

void manifest_clear(struct manifest *m)
{
    free(m->media_type);
    descriptor_clear(&m->config);
    for (size_t i = 0; i < m->n_layers; i++)
        descriptor_clear(&m->layers[i]);
    free(m->layers);
    memset(m, 0, sizeof(*m));
}

static char *dup_or_null(const char *s)
{
    return s ? xstrdup(s) : NULL;
}

int descriptor_parse(yajl_val v, const char *path, struct descriptor *d, struct error **err)
{
    const char *mt = NULL, *digest = NULL, *os = NULL, *arch = NULL, *variant = NULL;
    yajl_val platform = NULL;
    memset(d, 0, sizeof(*d));
    if (json_expect_object(v, path, err) < 0 || json_get_string(v, path, "mediaType", &mt, err) < 0 ||
        json_get_string(v, path, "digest", &digest, err) < 0 ||
        json_get_uint64(v, path, "size", &d->size, err) < 0 ||
        json_get_object(v, path, "platform", &platform, err) < 0)
        return -1;
    if (digest == NULL)
        return error_setc(err, EXIT_INVALID, 0, "%s.digest: missing", path);
    if (!digest_is_valid(digest))
        return error_setc(err, EXIT_INVALID, 0, "%s.digest: unsupported or malformed digest '%s'", path, digest);
    if (platform) {
        CLEANUP_FREE char *ppath = xasprintf("%s.platform", path);
        if (json_get_string(platform, ppath, "os", &os, err) < 0 ||
            json_get_string(platform, ppath, "architecture", &arch, err) < 0 ||
            json_get_string(platform, ppath, "variant", &variant, err) < 0)
            return -1;
    }
    d->media_type = dup_or_null(mt);
    d->digest = xstrdup(digest);
    d->os = dup_or_null(os);
    d->architecture = dup_or_null(arch);
    d->variant = dup_or_null(variant);
    return 0;
}

bool media_type_is_index(const char *mt)
{
    return mt && (strcmp(mt, MT_OCI_INDEX) == 0 || strcmp(mt, MT_DOCKER_LIST) == 0);
}

bool image_json_is_index(const char *json, size_t len)
{
    CLEANUP_JSON yajl_val root = NULL;
    if (json_parse_max(json, len, JSON_MANIFEST_MAX, "manifest", &root, NULL) < 0)
        return false;
    const char *mt = NULL;
    if (json_get_string(root, "", "mediaType", &mt, NULL) == 1)
        return media_type_is_index(mt);
    return json_member(root, "manifests") != NULL && json_member(root, "config") == NULL;
}

static int check_schema(yajl_val root, struct error **err)
{
    int64_t version = 0;
    const char *mt = NULL;
    if (json_get_int64(root, "", "schemaVersion", &version, err) < 0 ||
        json_get_string(root, "", "mediaType", &mt, err) < 0)
        return -1;
    if (version == 1 || (mt && (strcmp(mt, MT_DOCKER_SCHEMA1) == 0 || strcmp(mt, MT_DOCKER_SCHEMA1_SIGNED) == 0)))
        return error_setc(err, EXIT_INVALID, 0, "Docker schema1 manifests are unsupported");
    if (version != 2)
        return error_setc(err, EXIT_INVALID, 0, "schemaVersion: expected 2, got %lld", (long long)version);
    if (media_type_is_index(mt) || (mt == NULL && json_member(root, "manifests")))
        return error_setc(err, EXIT_INVALID, 0, "an image index where a manifest was expected");
    return 0;
}

static int parse_layers(yajl_val root, struct manifest *m, struct error **err)
{
    yajl_val layers = NULL;
    if (json_get_array(root, "", "layers", &layers, err) < 0)
        return -1;
    if (layers == NULL)
        return error_setc(err, EXIT_INVALID, 0, "layers: missing");
    size_t n = YAJL_GET_ARRAY(layers)->len;
    m->layers = xcalloc(n + 1, sizeof(*m->layers));
    for (size_t i = 0; i < n; i++) {
        char where[32];
        snprintf(where, sizeof(where), "layers[%zu]", i);
        if (descriptor_parse(YAJL_GET_ARRAY(layers)->values[i], where, &m->layers[i], err) < 0)
            return -1;
        m->n_layers++;
    }
    return 0;
}

int manifest_parse(const char *json, size_t len, struct manifest *out, struct error **err)
{
    CLEANUP_JSON yajl_val root = NULL;
    yajl_val config = NULL;
    const char *mt = NULL;
    memset(out, 0, sizeof(*out));
    if (json_parse_max(json, len, JSON_MANIFEST_MAX, "manifest", &root, err) < 0)
        return -1;
    if (json_expect_object(root, "manifest", err) < 0 || check_schema(root, err) < 0 ||
        json_get_string(root, "", "mediaType", &mt, err) < 0 ||
        json_get_object(root, "", "config", &config, err) < 0)
        return -1;
    if (config == NULL)
        return error_setc(err, EXIT_INVALID, 0, "config: missing");
    if (descriptor_parse(config, "config", &out->config, err) < 0 || parse_layers(root, out, err) < 0) {
        manifest_clear(out);
        return -1;
    }
    out->media_type = xstrdup(mt ? mt : MT_OCI_MANIFEST);
    return 0;
}
