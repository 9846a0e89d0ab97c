/* imagetool mount BUNDLE: mount a bundle's rootfs again from the store, as
 * unpack did (after imagetool umount or a reboot). The upper dir keeps what
 * the container wrote. A copy bundle has nothing to mount. */
#include "common/cleanup.h"
#include "common/log.h"
#include "imagetool/backend/backend.h"
#include "imagetool/cmd/cmd.h"

static int remount(const struct cli_args *a, const struct backend *b, const char *bundle, struct error **err)
{
    struct platform p = platform_host();
    CLEANUP_FREE char *storage = NULL, *digest = NULL;
    const char *platform = cli_get(a, "platform", NULL);
    if (platform && platform_parse(platform, &p, &storage, err) < 0)
        return -1;
    CLEANUP_STORE struct store *s = NULL;
    if (bundle_record_image(bundle, &digest, err) < 0 ||
        store_open_existing(cmd_globals(a)->store_root, &s, err) < 0)
        return -1;
    struct manifest m = { 0 };
    struct image_config ic = { 0 };
    if (image_load(s, digest, &p, &m, &ic, err) < 0)
        return error_prefix(err, "bundle %s", bundle);
    int r = b->mount(s, &m, &ic, bundle, err);
    manifest_clear(&m);
    image_config_clear(&ic);
    return r;
}

static int mount_cmd(const struct cli_args *a, struct error **err)
{
    const char *bundle = a->argv[0];
    const struct backend *b;
    if (bundle_record_read(bundle, &b, err) < 0)
        return -1;
    if (b->mount == NULL) {
        log_info("%s: a %s bundle has nothing to mount", bundle, b->name);
        return 0;
    }
    return remount(a, b, bundle, err);
}

static const struct cli_option options[] = {
    { 0, "platform", CLI_ARG, "OS/ARCH[/VARIANT]", "the platform unpack picked from a multi-platform image", "this host",
      0 },
    { 0 },
};

const struct cli_command cmd_mount = {
    .name = "mount",
    .fn = mount_cmd,
    .summary = "mount a bundle's rootfs again (after umount or a reboot)",
    .synopsis = "BUNDLE",
    .description = "Mount the rootfs of a bundle made with a mounting backend (overlay, squashfs, erofs) again from the\n"
                   "store given by --store, keeping what containers wrote. Undone by imagetool umount.\n",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
