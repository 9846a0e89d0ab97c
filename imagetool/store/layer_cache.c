/* The extracted-layer cache for the overlay backend: layers/<chain_id hex>/
 * is a layer applied to an empty directory, whiteouts in overlayfs form.
 * Extracted under tmp/ and renamed into place with the other layers of the
 * walk (layer_made.c), so a reader sees a complete layer or none; two
 * extractions racing both succeed and one copy stays. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/layer/layer.h"
#include "imagetool/store/store_private.h"

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static int extract(struct store *s, const struct store_layer *l, const char *tmp, struct error **err)
{
    CLEANUP_CLOSE int blob = store_blob_open(s, l->blob_digest, err);
    if (blob < 0)
        return -1;
    CLEANUP_CLOSE int dirfd = open(tmp, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0 || fchmod(dirfd, 0755) < 0)
        return error_set(err, errno, "open %s", tmp);
    return layer_apply_below(blob, dirfd, l->diff_id, l->below, err);
}

int store_layer_ensure(struct store *s, const struct store_layer *l, struct store_made *made, char **dir_out,
                       struct error **err)
{
    const char *key = l->chain_id ? l->chain_id : l->diff_id ? l->diff_id : l->blob_digest;
    if (!digest_is_valid(key))
        return error_setc(err, EXIT_INVALID, 0, "layer %s: malformed digest", key);
    if (store_lock(s, false, err) < 0)
        return -1;
    CLEANUP_FREE char *final = xasprintf("%s/" STORE_LAYERS_DIR "/%s", s->root, digest_hex(key));
    if (is_dir(final)) {
        *dir_out = TAKE_PTR(final);
        return 0;
    }
    CLEANUP_FREE char *tmp = xasprintf("%s/" STORE_TMP_DIR "/layer-XXXXXX", s->root);
    if (mkdtemp(tmp) == NULL)
        return error_set(err, errno, "create %s", tmp);
    if (extract(s, l, tmp, err) < 0) {
        rm_rf(tmp, NULL);
        return error_prefix(err, "layer %s", l->blob_digest);
    }
    store_made_add(made, tmp, final, STORE_LAYERS_DIR);
    *dir_out = TAKE_PTR(tmp);
    return 0;
}
