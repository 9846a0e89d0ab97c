/* Placeholder until its issue's work lands. */
#include "imagetool/cmd/cmd.h"

int cmd_apply_layer(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    (void)argc, (void)argv, (void)g;
    return error_setc(err, EXIT_FAIL, 0, "apply-layer: not implemented yet");
}
