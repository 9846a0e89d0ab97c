/* imagetool umount BUNDLE: unmount an overlay bundle's rootfs (the bundle
 * stays; a copy bundle has nothing to unmount). */
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "imagetool/backend/backend.h"
#include "imagetool/cmd/cmd.h"

int cmd_umount(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    (void)g;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: imagetool umount BUNDLE\n\nUnmount the rootfs of a bundle made with --backend overlay.\n");
        return 0;
    }
    if (argc != 2)
        return error_setc(err, EXIT_USAGE, 0, "usage: imagetool umount BUNDLE");
    const struct backend *b;
    if (bundle_record_read(argv[1], &b, err) < 0)
        return -1;
    return b->release(argv[1], err);
}
