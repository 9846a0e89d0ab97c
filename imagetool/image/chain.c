/* OCI ChainIDs (image-spec config.md, "Layer ChainID"): ChainID(L0) =
 * DiffID(L0); ChainID(Ln) = sha256(ChainID(Ln-1) + " " + DiffID(Ln)). The
 * layer caches key a layer by its chain: what it extracts to depends on the
 * layers below it (layer/below.c). */
#include <string.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/image/image.h"

char **image_chain_ids(char *const *diff_ids)
{
    char **out = xcalloc(strv_len(diff_ids) + 1, sizeof(char *));
    for (size_t i = 0; diff_ids && diff_ids[i]; i++) {
        if (i == 0) {
            out[i] = xstrdup(diff_ids[i]);
            continue;
        }
        CLEANUP_FREE char *pair = xasprintf("%s %s", out[i - 1], diff_ids[i]);
        char id[DIGEST_STR_LEN + 1];
        sha256_buf(pair, strlen(pair), id);
        out[i] = xstrdup(id);
    }
    return out;
}
