/* imagetool umount BUNDLE: unmount an overlay, squashfs or erofs bundle's rootfs (the bundle
 * stays; a copy bundle has nothing to unmount). */
#include "imagetool/backend/backend.h"
#include "imagetool/cmd/cmd.h"

static int umount_cmd(const struct cli_args *a, struct error **err)
{
    const struct backend *b;
    if (bundle_record_read(a->argv[0], &b, err) < 0)
        return -1;
    return b->release(a->argv[0], err);
}

const struct cli_command cmd_umount = {
    .name = "umount",
    .fn = umount_cmd,
    .summary = "unmount an overlay, squashfs or erofs bundle's rootfs",
    .synopsis = "BUNDLE",
    .description = "Unmount the rootfs of a bundle made with --backend overlay, squashfs or erofs; the bundle stays.\n",
    .min_args = 1,
    .max_args = 1,
};
