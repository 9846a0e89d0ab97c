/* index.json: the store's names. Rewritten whole (temp file + rename) under
 * an exclusive lock on index.lock, so concurrent taggers serialise and
 * readers always see a complete file. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store_private.h"

void store_image_clear(struct store_image *img)
{
    free(img->name);
    free(img->digest);
    free(img->media_type);
    memset(img, 0, sizeof(*img));
}

void store_images_free(struct store_image *imgs, size_t n)
{
    for (size_t i = 0; i < n; i++)
        store_image_clear(&imgs[i]);
    free(imgs);
}

static int parse_entry(yajl_val v, const char *path, struct store_image *img, struct error **err)
{
    const char *mt = NULL, *digest = NULL, *name = NULL;
    yajl_val ann = NULL;
    if (json_expect_object(v, path, err) < 0 || json_get_string(v, path, "mediaType", &mt, err) < 0 ||
        json_get_string(v, path, "digest", &digest, err) < 0 ||
        json_get_uint64(v, path, "size", &img->size, err) < 0 ||
        json_get_object(v, path, "annotations", &ann, err) < 0)
        return -1;
    if (ann && json_get_string(ann, path, REF_NAME_ANNOTATION, &name, err) < 0)
        return -1;
    if (digest == NULL || !digest_is_valid(digest))
        return error_setc(err, EXIT_INVALID, 0, "%s.digest: missing or malformed", path);
    img->digest = xstrdup(digest);
    img->media_type = xstrdup(mt ? mt : MT_OCI_MANIFEST);
    img->name = name ? xstrdup(name) : NULL;
    return 0;
}

int store_index_read(const struct store *s, struct store_image **out, size_t *n, struct error **err)
{
    CLEANUP_FREE char *path = store_path(s, STORE_INDEX);
    CLEANUP_JSON yajl_val root = NULL;
    yajl_val list = NULL;
    if (json_parse_file(path, &root, err) < 0 || json_get_array(root, "", "manifests", &list, err) < 0)
        return -1;
    size_t count = list ? YAJL_GET_ARRAY(list)->len : 0;
    struct store_image *imgs = xcalloc(count + 1, sizeof(*imgs));
    for (size_t i = 0; i < count; i++) {
        char where[64];
        snprintf(where, sizeof(where), "manifests[%zu]", i);
        if (parse_entry(YAJL_GET_ARRAY(list)->values[i], where, &imgs[i], err) < 0) {
            store_images_free(imgs, count);
            return error_prefix(err, "%s", path);
        }
    }
    *out = imgs;
    *n = count;
    return 0;
}

int store_index_write(const struct store *s, const struct store_image *imgs, size_t n, struct error **err)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(true);
    jg_obj_open(g);
    jg_key_int(g, "schemaVersion", 2);
    jg_key_str(g, "mediaType", MT_OCI_INDEX);
    jg_key(g, "manifests");
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++) {
        jg_obj_open(g);
        jg_key_str(g, "mediaType", imgs[i].media_type);
        jg_key_str(g, "digest", imgs[i].digest);
        jg_key(g, "size");
        jg_uint(g, imgs[i].size);
        if (imgs[i].name) {
            jg_key(g, "annotations");
            jg_obj_open(g);
            jg_key_str(g, REF_NAME_ANNOTATION, imgs[i].name);
            jg_obj_close(g);
        }
        jg_obj_close(g);
    }
    jg_arr_close(g);
    jg_obj_close(g);
    size_t len = 0;
    const char *text = jg_text(g, &len);
    CLEANUP_FREE char *path = store_path(s, STORE_INDEX);
    return write_file_atomic(path, text, len, 0644, err);
}

/* Held while index.json is read, changed and rewritten. */
static int index_lock(const struct store *s, struct error **err)
{
    CLEANUP_FREE char *p = store_path(s, STORE_INDEX_LOCK);
    int fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return error_set(err, errno, "open %s", p);
    while (flock(fd, LOCK_EX) < 0) {
        if (errno != EINTR) {
            error_set(err, errno, "lock %s", p);
            close(fd);
            return -1;
        }
    }
    return fd;
}

static bool same_name(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

/* Drop entries for which drop() is true; returns how many went. */
typedef bool (*entry_pred)(const struct store_image *img, const void *arg);

static size_t remove_entries(struct store_image *imgs, size_t *n, entry_pred drop, const void *arg)
{
    size_t kept = 0, removed = 0;
    for (size_t i = 0; i < *n; i++) {
        if (drop(&imgs[i], arg)) {
            store_image_clear(&imgs[i]);
            removed++;
        } else {
            imgs[kept++] = imgs[i];
        }
    }
    *n = kept;
    return removed;
}

static bool named(const struct store_image *img, const void *name)
{
    return same_name(img->name, name);
}

static bool untagged_with_digest(const struct store_image *img, const void *digest)
{
    return img->name == NULL && strcmp(img->digest, digest) == 0;
}

static bool has_digest(const struct store_image *imgs, size_t n, const char *digest)
{
    for (size_t i = 0; i < n; i++)
        if (strcmp(imgs[i].digest, digest) == 0)
            return true;
    return false;
}

/* Read index.json under its lock, let edit change the entries, write them
 * back. edit returns 0 to write, 1 when nothing changed, -1 (with *err) to
 * leave the index alone. */
typedef int (*index_edit_fn)(struct store_image **imgs, size_t *n, const void *ctx, struct error **err);

static int index_edit(struct store *s, index_edit_fn edit, const void *ctx, struct error **err)
{
    CLEANUP_CLOSE int lock = index_lock(s, err);
    if (lock < 0)
        return -1;
    struct store_image *imgs = NULL;
    size_t n = 0;
    if (store_index_read(s, &imgs, &n, err) < 0)
        return -1;
    int r = edit(&imgs, &n, ctx, err);
    if (r == 0)
        r = store_index_write(s, imgs, n, err);
    store_images_free(imgs, n);
    return r < 0 ? -1 : 0;
}

struct tag_edit {
    const char *name; /* normalised, or NULL */
    const char *digest, *media_type;
    uint64_t size;
};

/* The name points at this manifest already, as the only entry with it. */
static bool already_tagged(const struct store_image *imgs, size_t n, const struct tag_edit *t)
{
    const char *mt = t->media_type ? t->media_type : MT_OCI_MANIFEST;
    size_t same = 0, with_name = 0;
    for (size_t i = 0; i < n; i++) {
        if (imgs[i].name == NULL || strcmp(imgs[i].name, t->name) != 0) {
            if (imgs[i].name == NULL && strcmp(imgs[i].digest, t->digest) == 0)
                return false; /* an untagged entry add_tag would drop */
            continue;
        }
        with_name++;
        same += strcmp(imgs[i].digest, t->digest) == 0 && strcmp(imgs[i].media_type, mt) == 0 &&
                imgs[i].size == t->size;
    }
    return with_name == 1 && same == 1;
}

static int add_tag(struct store_image **imgs, size_t *n, const void *ctx, struct error **err)
{
    (void)err;
    const struct tag_edit *t = ctx;
    if (t->name && already_tagged(*imgs, *n, t))
        return 1;
    if (t->name) {
        remove_entries(*imgs, n, named, t->name);
        remove_entries(*imgs, n, untagged_with_digest, t->digest);
    } else if (has_digest(*imgs, *n, t->digest)) {
        return 1;
    }
    *imgs = xrealloc(*imgs, (*n + 1) * sizeof(**imgs));
    (*imgs)[(*n)++] = (struct store_image){
        .name = t->name ? xstrdup(t->name) : NULL,
        .digest = xstrdup(t->digest),
        .media_type = xstrdup(t->media_type ? t->media_type : MT_OCI_MANIFEST),
        .size = t->size,
    };
    return 0;
}

int store_tag(struct store *s, const char *name, const char *manifest_digest, const char *media_type,
              uint64_t size, struct error **err)
{
    if (!digest_is_valid(manifest_digest))
        return error_setc(err, EXIT_INVALID, 0, "malformed digest '%s'", manifest_digest);
    CLEANUP_FREE char *norm = name ? store_name_normalise(name) : NULL;
    if (store_batch_flush(s, err) < 0) /* the import's blobs: durable and named (and blobs/ synced) */
        return -1;
    if (s->blobs_linked) /* links are durable before a name points at them */
        store_sync_dir(s, STORE_BLOBS_DIR);
    s->blobs_linked = false;
    struct tag_edit t = { norm, manifest_digest, media_type, size };
    return index_edit(s, add_tag, &t, err);
}

static int drop_name(struct store_image **imgs, size_t *n, const void *name, struct error **err)
{
    CLEANUP_FREE char *norm = store_name_normalise(name);
    if (remove_entries(*imgs, n, named, norm) + remove_entries(*imgs, n, named, name) == 0)
        return error_setc(err, EXIT_NOTFOUND, 0, "no image named '%s' in the store", (const char *)name);
    return 0;
}

int store_untag(struct store *s, const char *name, struct error **err)
{
    return index_edit(s, drop_name, name, err);
}

static bool with_digest(const struct store_image *img, const void *digest)
{
    return strcmp(img->digest, digest) == 0;
}

static int drop_digest(struct store_image **imgs, size_t *n, const void *digest, struct error **err)
{
    if (remove_entries(*imgs, n, with_digest, digest) == 0)
        return error_setc(err, EXIT_NOTFOUND, 0, "no image with digest %s in the store", (const char *)digest);
    return 0;
}

int store_untag_digest(struct store *s, const char *digest, struct error **err)
{
    return index_edit(s, drop_digest, digest, err);
}

int store_list(struct store *s, struct store_image **out, size_t *n, struct error **err)
{
    return store_index_read(s, out, n, err);
}

static void copy_image(struct store_image *dst, const struct store_image *src)
{
    dst->name = src->name ? xstrdup(src->name) : NULL;
    dst->digest = xstrdup(src->digest);
    dst->media_type = xstrdup(src->media_type);
    dst->size = src->size;
}

/* A unique digest (or hex prefix of at least 4 digits) among the entries. */
static int resolve_digest(const struct store_image *imgs, size_t n, const char *ref, struct store_image *out,
                          struct error **err)
{
    const char *hex = strncmp(ref, "sha256:", 7) == 0 ? ref + 7 : ref;
    size_t len = strlen(hex);
    if (len < 4 || strspn(hex, "0123456789abcdef") != len)
        return 0;
    const struct store_image *found = NULL;
    for (size_t i = 0; i < n; i++) {
        if (strncmp(digest_hex(imgs[i].digest), hex, len) != 0)
            continue;
        if (found && strcmp(found->digest, imgs[i].digest) != 0)
            return error_setc(err, EXIT_INVALID, 0, "'%s' matches more than one image digest", ref);
        if (!found || (found->name == NULL && imgs[i].name))
            found = &imgs[i];
    }
    if (!found)
        return 0;
    copy_image(out, found);
    return 1;
}

int store_resolve(struct store *s, const char *ref, struct store_image *out, struct error **err)
{
    struct store_image *imgs = NULL;
    size_t n = 0;
    if (store_index_read(s, &imgs, &n, err) < 0)
        return -1;
    CLEANUP_FREE char *norm = store_name_normalise(ref), *source = store_source_canonical(ref);
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++) {
        if (same_name(imgs[i].name, ref) || same_name(imgs[i].name, norm) || same_name(imgs[i].name, source)) {
            copy_image(out, &imgs[i]);
            r = 1;
        }
    }
    if (r == 0)
        r = resolve_digest(imgs, n, ref, out, err);
    store_images_free(imgs, n);
    if (r == 0)
        return error_setc(err, EXIT_NOTFOUND, 0, "no image '%s' in the store", ref);
    return r < 0 ? -1 : 0;
}
