/* imagetool rm-bundle BUNDLE...: unmount and delete bundles made by unpack. */
#include <stdio.h>
#include <string.h>

#include "common/log.h"
#include "imagetool/backend/bundle.h"
#include "imagetool/cmd/cmd.h"

int cmd_rm_bundle(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    (void)g;
    if (argc == 2 && (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0)) {
        printf("usage: imagetool rm-bundle BUNDLE...\n\nUnmount (overlay) and delete bundles made by "
               "imagetool unpack.\n");
        return 0;
    }
    if (argc < 2)
        return error_setc(err, EXIT_USAGE, 0, "usage: imagetool rm-bundle BUNDLE...");
    for (int i = 1; i < argc; i++)
        if (bundle_remove(argv[i], err) < 0)
            return error_prefix(err, "rm-bundle");
    return 0;
}
