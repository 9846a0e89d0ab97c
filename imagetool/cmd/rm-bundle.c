/* imagetool rm-bundle BUNDLE...: unmount and delete bundles made by unpack. */
#include "imagetool/backend/bundle.h"
#include "imagetool/cmd/cmd.h"

static int rm_bundle(const struct cli_args *a, struct error **err)
{
    for (int i = 0; i < a->argc; i++)
        if (bundle_remove(a->argv[i], err) < 0)
            return error_prefix(err, "rm-bundle");
    return 0;
}

const struct cli_command cmd_rm_bundle = {
    .name = "rm-bundle",
    .fn = rm_bundle,
    .summary = "unmount and delete a bundle",
    .synopsis = "BUNDLE...",
    .description = "Unmount (overlay) and delete bundles made by imagetool unpack.\n",
    .min_args = 1,
    .max_args = -1,
};
