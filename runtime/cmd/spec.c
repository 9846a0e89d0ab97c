/* runtime spec [--bundle DIR]: write the default config.json (never over an
 * existing one). */
#include <errno.h>
#include <fcntl.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/spec.h"
#include "runtime/cmd/cmd.h"

static int spec(const struct cli_args *a, struct error **err)
{
    const char *bundle = cli_get(a, "bundle", ".");
    CLEANUP_FREE char *path = path_join(bundle, "config.json");
    if (path_exists(path))
        return error_setc(err, EXIT_STATE, 0, "%s exists already: remove it first", path);
    CLEANUP_SPEC struct spec *s = spec_new_default();
    if (cli_has(a, "rootless")) {
        /* runc's shape: the caller's ids alone, no network namespace, /sys bound */
        struct spec_rootless_opts o = { .uid = geteuid(), .gid = getegid() };
        spec_make_rootless(s, &o, NULL);
    }
    return spec_write_file(s, path, true, err);
}

static const struct cli_option options[] = {
    { 'b', "bundle", CLI_ARG, "DIR", "write DIR/config.json", "the current directory", 0 },
    { 0, "rootless", CLI_NOARG, NULL, "for an ordinary user: a user namespace mapping it to 0, no network namespace, /sys bound, host devices bound, no limits", NULL, 0 },
    { 0 },
};

const struct cli_command cmd_spec = {
    .name = "spec",
    .fn = spec,
    .summary = "write a default config.json",
    .options = options,
    .max_args = 0,
};
