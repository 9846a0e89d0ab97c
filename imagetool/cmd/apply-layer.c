/* imagetool apply-layer [--whiteouts apply|overlay] [--diff-id sha256:...] LAYER DIR:
 * one layer onto a directory, like `umoci raw unpack` (tests, debugging). */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/fs.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/layer/layer.h"

static int parse_mode(const char *s, enum whiteout_mode *mode, struct error **err)
{
    if (strcmp(s, "apply") == 0)
        *mode = WHITEOUT_APPLY;
    else if (strcmp(s, "overlay") == 0)
        *mode = WHITEOUT_OVERLAY;
    else
        return cli_usage_error(err, "--whiteouts: expected apply or overlay, got '%s'", s);
    return 0;
}

static int apply_layer(const struct cli_args *a, struct error **err)
{
    enum whiteout_mode mode = WHITEOUT_APPLY;
    const char *diff_id = cli_get(a, "diff-id", NULL);
    if (parse_mode(cli_get(a, "whiteouts", "apply"), &mode, err) < 0)
        return -1;
    const char *layer = a->argv[0], *dir = a->argv[1];
    if (diff_id && !digest_is_valid(diff_id))
        return cli_usage_error(err, "--diff-id: not a sha256 digest: '%s'", diff_id);
    CLEANUP_CLOSE int blob = open(layer, O_RDONLY | O_CLOEXEC);
    if (blob < 0)
        return error_set(err, errno, "open %s", layer);
    if (mkdir_p(dir, 0755, err) < 0)
        return -1;
    CLEANUP_CLOSE int target = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (target < 0)
        return error_set(err, errno, "open %s", dir);
    if (layer_apply(blob, target, diff_id, mode, err) < 0)
        return error_prefix(err, "layer %s", layer);
    return 0;
}

static const struct cli_option options[] = {
    { 0, "whiteouts", CLI_ARG, "apply|overlay",
      "apply: delete what whiteouts name; overlay: record them as overlayfs does", "apply", 0 },
    { 0, "diff-id", CLI_ARG, "sha256:HEX", "fail unless the uncompressed tar has this digest", "no check", 0 },
    { 0 },
};

const struct cli_command cmd_apply_layer = {
    .name = "apply-layer",
    .fn = apply_layer,
    .summary = "apply one layer tar to a directory (like umoci raw unpack)",
    .synopsis = "LAYER DIR",
    .description = "Apply one layer (a tar; gzip, zstd, xz, bzip2 or none) to DIR, creating DIR if needed.\n"
                   "overlay whiteouts are 0:0 character devices and trusted.overlay.opaque.\n",
    .options = options,
    .min_args = 2,
    .max_args = 2,
};
