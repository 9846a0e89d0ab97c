/* Does the image suit the platform asked for? Only linux images make
 * bundles; another architecture is a warning (binfmt may run it), as podman
 * says it. */
#include <string.h>

#include "common/log.h"
#include "imagetool/image/image.h"

int platform_check_image(const struct platform *want, const struct image_config *ic, struct error **err)
{
    if (strcmp(want->os, "linux") != 0)
        return error_setc(err, EXIT_USAGE, 0, "--platform %s/%s: only linux images can be unpacked", want->os,
                          want->architecture);
    if (ic->os && strcmp(ic->os, "linux") != 0)
        return error_setc(err, EXIT_INVALID, 0, "the image is for %s/%s: only linux images can be unpacked", ic->os,
                          ic->architecture ? ic->architecture : "?");
    struct platform host = platform_host();
    if (ic->architecture && strcmp(ic->architecture, host.architecture) != 0)
        log_warn("the image's platform %s/%s does not match this host's %s/%s: it may not run", ic->os ? ic->os : "linux",
                 ic->architecture, host.os, host.architecture);
    return 0;
}
