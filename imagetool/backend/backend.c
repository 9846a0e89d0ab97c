/* Backend lookup and the record each bundle keeps of its backend. */
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/json.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/backend.h"
#include "imagetool/backend/loop.h"
#include "imagetool/lazy/libs.h"

static const struct backend *const backends[] = { &backend_copy, &backend_overlay, &backend_squashfs,
                                                    &backend_erofs };

int backend_find(const char *name, const struct backend **out, struct error **err)
{
    for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++) {
        if (strcmp(backends[i]->name, name) == 0) {
            if (backends[i] == &backend_squashfs && !libsquashfs_available())
                return error_setc(err, EXIT_FAIL, 0,
                                  "--backend squashfs: cannot load libsquashfs.so.1 (package libsquashfs1)");
            *out = backends[i] == &backend_overlay && geteuid() != 0 ? &backend_overlay_user : backends[i];
            return 0;
        }
    }
    return error_setc(err, EXIT_USAGE, 0, "--backend: unknown backend \"%s\" (copy, overlay, squashfs or erofs)", name);
}

const struct backend *backend_default(void)
{
    if (loop_available("erofs"))
        return &backend_erofs;
    if (loop_available("squashfs") && libsquashfs_available()) {
        log_info("no erofs here: using the squashfs backend");
        return &backend_squashfs;
    }
    if (overlay_available()) {
        log_info("no loop devices, erofs or squashfs here: using the overlay backend");
        return &backend_overlay;
    }
    log_info("no overlayfs here: using the copy backend");
    return &backend_copy;
}

int backend_check_layers(const struct manifest *m, const struct image_config *c, struct error **err)
{
    size_t n = strv_len(c->diff_ids);
    if (n != m->n_layers)
        return error_setc(err, EXIT_INVALID, 0,
                          "image config: rootfs.diff_ids lists %zu layers but the manifest has %zu", n, m->n_layers);
    return 0;
}

int bundle_record_write(const char *bundle, const char *backend, const char *image_digest, struct error **err)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_obj_open(g);
    jg_key_str(g, "backend", backend);
    jg_key_str(g, "image", image_digest);
    jg_obj_close(g);
    size_t len;
    const char *text = jg_text(g, &len);
    CLEANUP_FREE char *path = path_join(bundle, BUNDLE_RECORD);
    return write_file_atomic_unsynced(path, text, len, 0644, err);
}

/* One string member of BUNDLE's record; a missing one is EXIT_INVALID. */
static int record_string(const char *bundle, const char *key, char **out, struct error **err)
{
    CLEANUP_FREE char *path = path_join(bundle, BUNDLE_RECORD);
    if (!path_exists(bundle))
        return error_setc(err, EXIT_NOTFOUND, 0, "bundle %s does not exist", bundle);
    if (!path_exists(path))
        return error_setc(err, EXIT_NOTFOUND, 0, "%s: not a bundle made by imagetool (no %s)", bundle,
                          BUNDLE_RECORD);
    CLEANUP_JSON yajl_val v = NULL;
    const char *value = NULL;
    if (json_parse_file(path, &v, err) < 0 || json_get_string(v, "", key, &value, err) < 0)
        return -1;
    if (!value)
        return error_setc(err, EXIT_INVALID, 0, "%s: %s: missing", path, key);
    *out = xstrdup(value);
    return 0;
}

int bundle_record_image(const char *bundle, char **digest, struct error **err)
{
    return record_string(bundle, "image", digest, err);
}

int bundle_record_read(const char *bundle, const struct backend **out, struct error **err)
{
    CLEANUP_FREE char *path = path_join(bundle, BUNDLE_RECORD);
    CLEANUP_FREE char *name = NULL;
    if (record_string(bundle, "backend", &name, err) < 0)
        return -1;
    if (backend_find(name, out, err) < 0) {
        (*err)->exit_class = EXIT_INVALID;
        return error_prefix(err, "%s", path);
    }
    return 0;
}
