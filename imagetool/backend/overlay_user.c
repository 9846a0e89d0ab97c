/* The overlay backend for an ordinary user. A user may mount overlayfs only
 * in a user namespace of its own, and such a mount dies with the namespace,
 * so imagetool mounts nothing: the layers are cached as for root (whiteouts
 * 0:0 character devices, which Linux 5.8+ lets anyone make; opaque dirs
 * user.overlay.opaque) and config.json's first mount puts the overlay over
 * the rootfs, made by the runtime in the container's own namespaces. The
 * lower dirs are kept in BUNDLE/.overlay/lower, one per line, top first. */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/backend.h"
#include "imagetool/backend/overlay_mount.h"
#include "imagetool/backend/overlay_child.h"

#define LOWER_LIST "lower"
#define MOUNT_DATA_MAX 4095 /* mount(2) takes one page of options */

/* overlayfs splits its options at ',' and ':', and the list at '\n'. */
static int check_dir_name(const char *dir, struct error **err)
{
    if (strpbrk(dir, ",:\n\\") == NULL)
        return 0;
    return error_setc(err, EXIT_USAGE, 0, "overlay backend: the path %s holds a character overlay options cannot "
                      "carry (',' ':' '\\\\' or a newline): use --backend copy or another --store", dir);
}

/* Absolute paths: the runtime mounts from the bundle, not from here. */
static char *mount_options_text(char *const *lower, const char *bundle)
{
    CLEANUP_FREE char *real = realpath(bundle, NULL), *joined = strv_join(lower, ":");
    struct overlay_dirs d = { 0 };
    overlay_dir_names(real ? real : bundle, &d);
    char *text = xasprintf("lowerdir=%s,upperdir=%s,workdir=%s,userxattr", joined, d.upper, d.work);
    overlay_dirs_clear(&d);
    return text;
}

static int write_lower_list(const char *bundle, const struct overlay_dirs *d, struct error **err)
{
    for (char **l = d->lower; *l; l++)
        if (check_dir_name(*l, err) < 0)
            return -1;
    CLEANUP_FREE char *real = realpath(bundle, NULL);
    if (check_dir_name(real ? real : bundle, err) < 0)
        return -1;
    CLEANUP_FREE char *options = mount_options_text(d->lower, bundle);
    if (strlen(options) > MOUNT_DATA_MAX)
        return error_setc(err, EXIT_USAGE, 0, "overlay backend: %zu layers do not fit in the %d bytes of mount "
                          "options the runtime can pass: use --backend copy", strv_len(d->lower), MOUNT_DATA_MAX);
    CLEANUP_FREE char *text = strv_join(d->lower, "\n");
    CLEANUP_FREE char *line = xasprintf("%s\n", text);
    CLEANUP_FREE char *path = xasprintf("%s/%s/%s", bundle, OVERLAY_DIR, LOWER_LIST);
    return write_file_atomic(path, line, strlen(line), 0600, err);
}

static int user_create(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                       struct error **err)
{
    if (backend_check_layers(m, c, err) < 0)
        return -1;
    struct overlay_dirs d = { 0 };
    int r = overlay_make_dirs(bundle, &d, err);
    if (r == 0)
        r = overlay_lower_dirs(s, m, c, bundle, &d.lower, err);
    if (r == 0)
        r = write_lower_list(bundle, &d, err);
    if (r == 0)
        r = store_bundle_ref_add(s, bundle, BUNDLE_RECORD, d.lower, true, err);
    overlay_dirs_clear(&d);
    return r;
}

static int read_lower_list(const char *bundle, char ***out, struct error **err)
{
    CLEANUP_FREE char *path = xasprintf("%s/%s/%s", bundle, OVERLAY_DIR, LOWER_LIST), *text = NULL;
    size_t len;
    if (read_file(path, &text, &len, err) < 0)
        return error_prefix(err, "overlay bundle");
    char *save = NULL;
    for (char *l = strtok_r(text, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        strv_append(out, l);
    if (strv_len(*out) == 0)
        return error_setc(err, EXIT_INVALID, 0, "%s: no lower dirs", path);
    return 0;
}

static int user_open_view(const char *bundle, struct error **err)
{
    CLEANUP_STRV char **lower = NULL;
    if (read_lower_list(bundle, &lower, err) < 0)
        return -1;
    if (strv_len(lower) > 1)
        return overlay_child_user_view(lower, err);
    int fd = open(lower[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    return fd < 0 ? error_set(err, errno, "open %s", lower[0]) : fd;
}

/* The overlay goes first, so every other mount lands inside it. */
static int user_add_to_config(const char *bundle, struct spec *s, struct error **err)
{
    CLEANUP_STRV char **lower = NULL;
    if (read_lower_list(bundle, &lower, err) < 0)
        return -1;
    CLEANUP_FREE char *options = mount_options_text(lower, bundle);
    const char *const opts[] = { options, NULL };
    spec_add_mount(s, "/", "overlay", "overlay", opts);
    struct spec_mount root = s->mounts[s->n_mounts - 1];
    memmove(&s->mounts[1], &s->mounts[0], (s->n_mounts - 1) * sizeof(*s->mounts));
    s->mounts[0] = root;
    return 0;
}

static int user_release(const char *bundle, struct error **err)
{
    (void)bundle;
    (void)err;
    return 0; /* nothing is mounted outside a container */
}

static int user_mount(struct store *s, const struct manifest *m, const struct image_config *c, const char *bundle,
                      struct error **err)
{
    (void)s, (void)m, (void)c, (void)err;
    log_info("%s: nothing to mount: the runtime mounts this bundle's overlay in each container's own namespaces",
             bundle);
    return 0;
}

const struct backend backend_overlay_user = {
    .name = "overlay",
    .create = user_create,
    .release = user_release,
    .mount = user_mount,
    .open_view = user_open_view,
    .add_to_config = user_add_to_config,
};
