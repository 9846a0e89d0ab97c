/* imagetool gc: drop blobs and cached layers no named image uses. */
#include <stdio.h>

#include "imagetool/cmd/cmd.h"
#include "imagetool/store/store.h"

static int gc(const struct cli_args *a, struct error **err)
{
    CLEANUP_STORE struct store *s = NULL;
    uint64_t bytes = 0;
    size_t blobs = 0;
    if (store_open_existing(cmd_globals(a)->store_root, &s, err) < 0 || store_gc(s, &bytes, &blobs, err) < 0)
        return -1;
    printf("removed %zu blobs, %llu bytes\n", blobs, (unsigned long long)bytes);
    return 0;
}

const struct cli_command cmd_gc = {
    .name = "gc",
    .fn = gc,
    .flags = CLI_STORE_MUST_EXIST,
    .summary = "drop blobs and cached layers no image uses",
    .max_args = 0,
};
