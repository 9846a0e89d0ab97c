/* Appc images as OCI manifests in the store, found by ID or name+labels. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/appc/appc_store.h"

void appc_image_clear(struct appc_image *img)
{
    for (size_t i = 0; i < img->n_layers; i++)
        descriptor_clear(&img->layers[i]);
    free(img->layers);
    memset(img, 0, sizeof(*img));
}

void appc_image_add_layer(struct appc_image *img, const char *digest, uint64_t size)
{
    for (size_t i = 0; i < img->n_layers; i++)
        if (strcmp(img->layers[i].digest, digest) == 0)
            return; /* a shared dependency is laid down once, where it first comes */
    img->layers = xrealloc(img->layers, (img->n_layers + 1) * sizeof(*img->layers));
    img->layers[img->n_layers++] = (struct descriptor){ .media_type = xstrdup(MT_OCI_LAYER),
                                                        .digest = xstrdup(digest), .size = size };
}

char *appc_store_name(const char *name, const struct appc_labels *labels)
{
    struct appc_labels sorted = { 0 };
    for (size_t i = 0; i < labels->n; i++)
        appc_label_set(&sorted, labels->v[i].name, labels->v[i].value);
    appc_labels_sort(&sorted);
    char *out = xasprintf("appc:%s", name);
    for (size_t i = 0; i < sorted.n; i++) {
        char *next = xasprintf("%s,%s=%s", out, sorted.v[i].name, sorted.v[i].value);
        free(out);
        out = next;
    }
    appc_labels_clear(&sorted);
    return out;
}

char *appc_store_id_name(const char *image_id)
{
    return xasprintf("appc:%s", image_id);
}

/* "appc:NAME,k=v,..." -> labels when NAME matches. */
static bool parse_store_name(const char *stored, const char *name, struct appc_labels *out)
{
    size_t n = strlen(name);
    if (strncmp(stored, "appc:", 5) != 0 || strncmp(stored + 5, name, n) != 0)
        return false;
    const char *p = stored + 5 + n;
    if (*p != '\0' && *p != ',')
        return false;
    while (*p == ',') {
        p++;
        size_t len = strcspn(p, ",");
        CLEANUP_FREE char *kv = strndup(p, len);
        char *eq = strchr(kv, '=');
        if (eq) {
            *eq = '\0';
            appc_label_set(out, kv, eq + 1);
        }
        p += len;
    }
    return true;
}

bool appc_labels_match(const struct appc_labels *have, const struct appc_labels *want)
{
    for (size_t i = 0; i < want->n; i++) {
        const char *v = appc_label_get(have, want->v[i].name);
        bool any_platform = !v && (!strcmp(want->v[i].name, "os") || !strcmp(want->v[i].name, "arch"));
        if (!any_platform && (!v || strcmp(v, want->v[i].value) != 0))
            return false;
    }
    return true;
}

static int load(struct store *s, const char *digest, uint64_t size, struct appc_image *out, struct error **err)
{
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    struct manifest m = { 0 };
    if (store_blob_read(s, digest, &json, &len, err) < 0 || manifest_parse(json, len, &m, err) < 0)
        return -1;
    memset(out, 0, sizeof(*out));
    memcpy(out->digest, digest, DIGEST_STR_LEN + 1);
    out->size = size;
    for (size_t i = 0; i < m.n_layers; i++)
        appc_image_add_layer(out, m.layers[i].digest, m.layers[i].size);
    manifest_clear(&m);
    return 1;
}

int appc_store_find_id(struct store *s, const char *image_id, struct appc_image *out, struct error **err)
{
    CLEANUP_FREE char *name = appc_store_id_name(image_id);
    struct store_image img = { 0 };
    if (store_resolve(s, name, &img, NULL) < 0)
        return 0;
    int r = load(s, img.digest, img.size, out, err);
    store_image_clear(&img);
    return r;
}

int appc_store_find(struct store *s, const char *name, const struct appc_labels *want, struct appc_image *out,
                    struct error **err)
{
    struct store_image *imgs = NULL;
    size_t n = 0;
    if (store_list(s, &imgs, &n, err) < 0)
        return -1;
    int r = 0;
    for (size_t i = 0; r == 0 && i < n; i++) {
        struct appc_labels have = { 0 };
        if (imgs[i].name && parse_store_name(imgs[i].name, name, &have) && appc_labels_match(&have, want))
            r = load(s, imgs[i].digest, imgs[i].size, out, err);
        appc_labels_clear(&have);
    }
    store_images_free(imgs, n);
    return r;
}

static char *manifest_json(const char *config_digest, size_t config_size, const struct appc_image *img,
                           const char *image_id, size_t *len)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_obj_open(g);
    jg_key_int(g, "schemaVersion", 2);
    jg_key_str(g, "mediaType", MT_OCI_MANIFEST);
    jg_key(g, "config");
    jg_obj_open(g);
    jg_key_str(g, "mediaType", MT_APPC_MANIFEST);
    jg_key_str(g, "digest", config_digest);
    jg_key_int(g, "size", (int64_t)config_size);
    jg_obj_close(g);
    jg_key(g, "layers");
    jg_arr_open(g);
    for (size_t i = 0; i < img->n_layers; i++) {
        jg_obj_open(g);
        jg_key_str(g, "mediaType", MT_OCI_LAYER);
        jg_key_str(g, "digest", img->layers[i].digest);
        jg_key_int(g, "size", (int64_t)img->layers[i].size);
        jg_obj_close(g);
    }
    jg_arr_close(g);
    jg_key(g, "annotations");
    jg_obj_open(g);
    jg_key_str(g, "org.appc.image.id", image_id);
    jg_obj_close(g);
    jg_obj_close(g);
    const char *text = jg_text(g, len);
    return strndup(text, *len);
}

int appc_store_put(struct store *s, const struct aci_info *info, struct appc_image *img, struct error **err)
{
    char config[DIGEST_STR_LEN + 1];
    if (store_put_blob(s, info->manifest_json, info->manifest_len, NULL, config, err) < 0)
        return -1;
    size_t len = 0;
    CLEANUP_FREE char *json = manifest_json(config, info->manifest_len, img, info->image_id, &len);
    if (store_put_blob(s, json, len, NULL, img->digest, err) < 0)
        return -1;
    img->size = len;
    CLEANUP_FREE char *id_name = appc_store_id_name(info->image_id);
    CLEANUP_FREE char *name = appc_store_name(info->manifest.name, &info->manifest.labels);
    if (store_tag(s, id_name, img->digest, MT_OCI_MANIFEST, len, err) < 0 ||
        store_tag(s, name, img->digest, MT_OCI_MANIFEST, len, err) < 0)
        return -1;
    return 0;
}
