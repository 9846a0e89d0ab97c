/* imagetool gc: drop blobs and cached layers no named image uses. */
#include <stdio.h>
#include <string.h>

#include "imagetool/cmd/cmd.h"
#include "imagetool/store/store.h"

int cmd_gc(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    if (argc > 1) {
        bool help = strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0;
        if (help)
            puts("usage: imagetool gc");
        return help ? 0 : error_setc(err, EXIT_USAGE, 0, "usage: imagetool gc");
    }
    CLEANUP_STORE struct store *s = NULL;
    uint64_t bytes = 0;
    size_t blobs = 0;
    if (store_open(g->store_root, &s, err) < 0 || store_gc(s, &bytes, &blobs, err) < 0)
        return -1;
    printf("removed %zu blobs, %llu bytes\n", blobs, (unsigned long long)bytes);
    return 0;
}
