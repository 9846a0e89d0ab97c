/* runtime spec [--bundle DIR]: write the default config.json (never over an
 * existing one). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/spec.h"
#include "runtime/cmd/cmd.h"

static const struct cmd_info info = {
    "spec", "[OPTIONS]",
    "  -b, --bundle DIR         write DIR/config.json (default: ./config.json)\n",
};

int cmd_spec(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    (void)g;
    static const struct option opts[] = {
        { "bundle", required_argument, NULL, 'b' },
        { "rootless", no_argument, NULL, 'r' },
        { "help", no_argument, NULL, 'h' },
        { 0 },
    };
    const char *bundle = ".";
    int c;
    while ((c = cmd_getopt(argc, argv, "b:h", opts, &info, err)) != -1) {
        if (c == 'h' || c == '?')
            return c == 'h' ? 0 : -1;
        if (c == 'b')
            bundle = optarg;
        if (c == 'r')
            return error_setc(err, EXIT_USAGE, 0, "spec: --rootless: not supported yet");
    }
    if (cmd_check_args(argc, argv, 0, 0, &info, err) < 0)
        return -1;
    CLEANUP_FREE char *path = path_join(bundle, "config.json");
    if (path_exists(path))
        return error_setc(err, EXIT_STATE, 0, "%s exists already: remove it first", path);
    CLEANUP_SPEC struct spec *s = spec_new_default();
    return spec_write_file(s, path, err);
}
