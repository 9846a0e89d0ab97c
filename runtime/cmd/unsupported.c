/* Commands of runc's command line this runtime does not implement yet. */
#include "runtime/cmd/cmd.h"

int cmd_unsupported(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    (void)argc, (void)g;
    return error_setc(err, EXIT_FAIL, 0, "%s: not supported yet", argv[0]);
}
