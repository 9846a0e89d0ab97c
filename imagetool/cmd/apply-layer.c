/* imagetool apply-layer [--whiteouts apply|overlay] [--diff-id sha256:...] LAYER DIR:
 * one layer onto a directory, like `umoci raw unpack` (tests, debugging). */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/fs.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/layer/layer.h"

static const char usage_text[] =
    "usage: imagetool apply-layer [--whiteouts apply|overlay] [--diff-id sha256:HEX] LAYER DIR\n"
    "Apply one layer (a tar; gzip, zstd, xz, bzip2 or none) to DIR, creating DIR if needed.\n"
    "  --whiteouts apply    delete what whiteouts name (default)\n"
    "  --whiteouts overlay  record them as overlayfs does (0:0 char devices, trusted.overlay.opaque)\n"
    "  --diff-id DIGEST     fail unless the uncompressed tar has this sha256\n";

static int parse_mode(const char *s, enum whiteout_mode *mode, struct error **err)
{
    if (strcmp(s, "apply") == 0)
        *mode = WHITEOUT_APPLY;
    else if (strcmp(s, "overlay") == 0)
        *mode = WHITEOUT_OVERLAY;
    else
        return error_setc(err, EXIT_USAGE, 0, "apply-layer: --whiteouts must be apply or overlay, not '%s'", s);
    return 0;
}

int cmd_apply_layer(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    (void)g;
    static const struct option opts[] = {
        { "whiteouts", required_argument, NULL, 'w' },
        { "diff-id", required_argument, NULL, 'd' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    enum whiteout_mode mode = WHITEOUT_APPLY;
    const char *diff_id = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        switch (c) {
        case 'w':
            if (parse_mode(optarg, &mode, err) < 0)
                return -1;
            break;
        case 'd': diff_id = optarg; break;
        case 'h': fputs(usage_text, stdout); return 0;
        default: return error_setc(err, EXIT_USAGE, 0, "apply-layer: bad option (see --help)");
        }
    }
    if (argc - optind != 2)
        return error_setc(err, EXIT_USAGE, 0, "apply-layer: need LAYER and DIR (see --help)");
    const char *layer = argv[optind], *dir = argv[optind + 1];
    if (diff_id && !digest_is_valid(diff_id))
        return error_setc(err, EXIT_USAGE, 0, "apply-layer: --diff-id: not a sha256 digest: %s", diff_id);
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
