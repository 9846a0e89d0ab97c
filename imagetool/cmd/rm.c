/* imagetool rm REF...: remove image names (a digest removes all its names).
 * The blobs stay until `imagetool gc`. */
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/store/store.h"

/* ref is the digest, or a prefix of its hex */
static bool names_digest(const char *ref, const char *digest)
{
    const char *hex = strncmp(ref, "sha256:", 7) == 0 ? ref + 7 : ref;
    return strncmp(digest_hex(digest), hex, strlen(hex)) == 0;
}

static int remove_ref(struct store *s, const char *ref, struct error **err)
{
    struct store_image img = { 0 };
    if (store_resolve(s, ref, &img, err) < 0)
        return -1;
    bool by_name = img.name && !names_digest(ref, img.digest);
    int r = by_name ? store_untag(s, img.name, err) : store_untag_digest(s, img.digest, err);
    if (r == 0)
        printf("removed %s\n", by_name ? img.name : img.digest);
    store_image_clear(&img);
    return r;
}

static int rm(const struct cli_args *a, struct error **err)
{
    CLEANUP_STORE struct store *s = NULL;
    if (store_open_existing(cmd_globals(a)->store_root, &s, err) < 0)
        return -1;
    for (int i = 0; i < a->argc; i++)
        if (remove_ref(s, a->argv[i], err) < 0)
            return -1;
    return 0;
}

const struct cli_command cmd_rm = {
    .name = "rm",
    .fn = rm,
    .flags = CLI_STORE_MUST_EXIST,
    .summary = "remove an image name from the store",
    .synopsis = "REF...",
    .description = "REF: a name, a digest or a unique prefix of a digest's hex. A name is untagged;\n"
                   "a digest removes every name of that image.\n",
    .min_args = 1,
    .max_args = -1,
};
