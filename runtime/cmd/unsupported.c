/* Commands of runc's command line this runtime does not implement yet. */
#include "runtime/cmd/cmd.h"

static int unsupported(const struct cli_args *a, struct error **err)
{
    return error_setc(err, EXIT_FAIL, 0, "%s: not supported yet", a->cmd->name);
}

#define UNSUPPORTED(NAME)                                                                            \
    const struct cli_command cmd_##NAME = {                                                          \
        .name = #NAME, .fn = unsupported, .summary = "(not supported yet)", .synopsis = "[ARGS...]", \
        .max_args = -1,                                                                              \
    }

UNSUPPORTED(checkpoint);
UNSUPPORTED(restore);
