/* Garbage collection: under the exclusive lock (no import or unpack is
 * running), mark every blob and cached layer a named image reaches, then
 * drop the rest and every leftover temp file. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/mountinfo.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store_private.h"

#define MAX_DEPTH 8

struct digest_set {
    char **items;
    size_t n, cap;
};

static bool set_has(const struct digest_set *set, const char *hex)
{
    for (size_t i = 0; i < set->n; i++)
        if (strcmp(set->items[i], hex) == 0)
            return true;
    return false;
}

/* true when newly added */
static bool set_add(struct digest_set *set, const char *digest)
{
    if (!digest_is_valid(digest) || set_has(set, digest_hex(digest)))
        return false;
    if (set->n == set->cap)
        set->items = xrealloc(set->items, (set->cap = set->cap ? 2 * set->cap : 64) * sizeof(char *));
    set->items[set->n++] = xstrdup(digest_hex(digest));
    return true;
}

static void set_free(struct digest_set *set)
{
    for (size_t i = 0; i < set->n; i++)
        free(set->items[i]);
    free(set->items);
}

struct marks {
    struct digest_set blobs, layers;
};

static const char *descriptor_digest(yajl_val d)
{
    const char *digest = NULL;
    return json_get_string(d, "", "digest", &digest, NULL) == 1 ? digest : NULL;
}

static void mark_diff_ids(struct store *s, const char *config, struct marks *m)
{
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    CLEANUP_JSON yajl_val root = NULL;
    yajl_val rootfs = NULL, ids = NULL;
    if (store_blob_read(s, config, &json, &len, NULL) < 0 || json_parse(json, len, "config", &root, NULL) < 0 ||
        json_get_object(root, "", "rootfs", &rootfs, NULL) != 1 ||
        json_get_array(rootfs, "", "diff_ids", &ids, NULL) != 1)
        return;
    CLEANUP_STRV char **diff_ids = NULL;
    for (size_t i = 0; i < YAJL_GET_ARRAY(ids)->len; i++) {
        const char *id = YAJL_GET_STRING(YAJL_GET_ARRAY(ids)->values[i]);
        if (id == NULL || !digest_is_valid(id))
            break;
        strv_append(&diff_ids, id);
    }
    /* the layer caches are keyed by chain ID */
    CLEANUP_STRV char **chain = image_chain_ids(diff_ids);
    for (size_t i = 0; chain[i]; i++)
        set_add(&m->layers, chain[i]);
}

static void mark(struct store *s, const char *digest, struct marks *m, int depth)
{
    if (!set_add(&m->blobs, digest) || depth > MAX_DEPTH)
        return;
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    CLEANUP_JSON yajl_val root = NULL;
    if (store_blob_read(s, digest, &json, &len, NULL) < 0 || json_parse(json, len, "manifest", &root, NULL) < 0)
        return;
    yajl_val list = json_member(root, "manifests"), config = json_member(root, "config"),
             layers = json_member(root, "layers");
    for (size_t i = 0; list && YAJL_IS_ARRAY(list) && i < YAJL_GET_ARRAY(list)->len; i++) {
        const char *child = descriptor_digest(YAJL_GET_ARRAY(list)->values[i]);
        if (child && store_has_blob(s, child))
            mark(s, child, m, depth + 1);
    }
    const char *config_digest = config ? descriptor_digest(config) : NULL;
    if (config_digest) {
        set_add(&m->blobs, config_digest);
        mark_diff_ids(s, config_digest, m);
    }
    for (size_t i = 0; layers && YAJL_IS_ARRAY(layers) && i < YAJL_GET_ARRAY(layers)->len; i++) {
        const char *layer = descriptor_digest(YAJL_GET_ARRAY(layers)->values[i]);
        if (layer)
            set_add(&m->blobs, layer);
    }
}

/* Does an overlay option list name dir as one of its directories
 * ("lowerdir=A:B", "lowerdir+=A", "upperdir=A"; the values decoded)? */
static bool options_name_dir(const char *opts, const char *dir)
{
    size_t n = strlen(dir);
    for (const char *p = strstr(opts, dir); p; p = strstr(p + 1, dir)) {
        bool starts = p > opts && (p[-1] == '=' || p[-1] == ':');
        bool ends = p[n] == '\0' || p[n] == ':' || p[n] == ',';
        if (starts && ends)
            return true;
    }
    return false;
}

/* A cached layer that an overlay mount still uses stays (and so does one
 * whose use cannot be checked). */
static bool layer_in_use(const char *dir)
{
    CLEANUP_MOUNTINFO struct mountinfo *mi = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    if (mountinfo_open(NULL, &mi, &err) < 0)
        return true;
    const struct mountinfo_entry *e;
    int rc;
    while ((rc = mountinfo_next(mi, &e, &err)) == 1)
        if (strcmp(e->fstype, "overlay") == 0 && options_name_dir(e->super_options, dir))
            return true;
    return rc < 0;
}

/* A layer image that a loop device reads (a mounted bundle) stays. */
static bool image_in_use(const char *path)
{
    CLEANUP_CLOSEDIR DIR *d = opendir("/sys/block");
    struct dirent *de;
    char buf[PATH_MAX + 1];
    while (d && (de = readdir(d)) != NULL) {
        if (strncmp(de->d_name, "loop", 4) != 0)
            continue;
        CLEANUP_FREE char *f = xasprintf("/sys/block/%s/loop/backing_file", de->d_name);
        CLEANUP_CLOSE int fd = open(f, O_RDONLY | O_CLOEXEC);
        ssize_t n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
        if (n <= 0)
            continue;
        buf[n] = '\0';
        buf[strcspn(buf, "\n")] = '\0';
        if (strcmp(buf, path) == 0)
            return true;
    }
    return false;
}

enum sweep_kind { SWEEP_FILES, SWEEP_LAYER_DIRS, SWEEP_LAYER_IMAGES };

/* The digest an entry is named for: blobs/<hex>, layers/<hex>, images/<hex>.<suffix>. */
static bool kept(const struct digest_set *keep, const char *name)
{
    CLEANUP_FREE char *hex = xstrndup(name, strcspn(name, "."));
    return keep && set_has(keep, hex);
}

struct sweep {
    uint64_t bytes;
    size_t count;
};

static int sweep_dir(struct store *s, const char *rel, const struct digest_set *keep, enum sweep_kind kind,
                     struct sweep *sw, struct error **err)
{
    CLEANUP_FREE char *path = store_path(s, rel);
    CLEANUP_CLOSEDIR DIR *d = opendir(path);
    if (d == NULL)
        return error_set(err, errno, "open %s", path);
    struct dirent *de;
    while ((de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.' && (!de->d_name[1] || (de->d_name[1] == '.' && !de->d_name[2])))
            continue;
        if (kept(keep, de->d_name))
            continue;
        CLEANUP_FREE char *child = path_join(path, de->d_name);
        struct stat st;
        if (lstat(child, &st) < 0)
            continue;
        if (kind == SWEEP_LAYER_DIRS && layer_in_use(child)) {
            log_warn("gc: keeping %s: an overlay mount uses it", child);
            continue;
        }
        if (kind == SWEEP_LAYER_DIRS && store_bundle_refs_use(s, child)) {
            log_warn("gc: keeping %s: a bundle the runtime mounts as an overlay uses it", child);
            continue;
        }
        if (kind == SWEEP_LAYER_IMAGES && image_in_use(child)) {
            log_warn("gc: keeping %s: a loop device (a mounted bundle) uses it", child);
            continue;
        }
        if (kind == SWEEP_LAYER_IMAGES && (st.st_nlink > 1 || store_bundle_refs_use(s, child))) {
            log_warn("gc: keeping %s: a bundle mounts it", child);
            continue;
        }
        if (rm_rf(child, err) < 0)
            return -1;
        if (S_ISREG(st.st_mode)) {
            sw->bytes += (uint64_t)st.st_size;
            if (kind == SWEEP_FILES)
                sw->count++;
        }
    }
    return 0;
}

int store_gc(struct store *s, uint64_t *freed_bytes, size_t *freed_blobs, struct error **err)
{
    struct store_image *imgs = NULL;
    size_t n = 0;
    if (store_flush(s, err) < 0 || store_lock(s, true, err) < 0 || store_index_read(s, &imgs, &n, err) < 0)
        return -1;
    struct marks m = { 0 };
    for (size_t i = 0; i < n; i++)
        mark(s, imgs[i].digest, &m, 0);
    store_images_free(imgs, n);
    struct sweep sw = { 0 }, tmp = { 0 };
    int r = sweep_dir(s, STORE_BLOBS_DIR, &m.blobs, SWEEP_FILES, &sw, err);
    if (r == 0)
        r = sweep_dir(s, STORE_LAYERS_DIR, &m.layers, SWEEP_LAYER_DIRS, &tmp, err);
    if (r == 0)
        r = sweep_dir(s, STORE_IMAGES_DIR, &m.layers, SWEEP_LAYER_IMAGES, &tmp, err);
    if (r == 0)
        r = sweep_dir(s, STORE_TMP_DIR, NULL, SWEEP_FILES, &tmp, err);
    set_free(&m.blobs);
    set_free(&m.layers);
    if (freed_bytes)
        *freed_bytes = sw.bytes;
    if (freed_blobs)
        *freed_blobs = sw.count;
    return r;
}
