/* The layer-image cache: images/<chain_id hex>.<suffix>, one read-only file
 * system image per layer. Converted under tmp/ and renamed into place with
 * the other layers of the walk (layer_made.c), so a reader sees a complete
 * image or none; two conversions racing both succeed and the last rename
 * wins with identical content. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

static bool is_file(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISREG(st.st_mode);
}

static int convert_to(struct store *s, const struct store_layer *l, store_layer_convert_fn convert, const char *tmp,
                      struct error **err)
{
    CLEANUP_CLOSE int blob = store_blob_open(s, l->blob_digest, err);
    if (blob < 0 || convert(blob, l->diff_id, l->below, tmp, err) < 0)
        return -1;
    if (chmod(tmp, 0644) < 0)
        return error_set(err, errno, "chmod %s", tmp);
    return 0;
}

bool store_layer_image_cached(struct store *s, const char *key, const char *suffix)
{
    CLEANUP_FREE char *final = xasprintf("%s/" STORE_IMAGES_DIR "/%s.%s", s->root, digest_hex(key), suffix);
    return is_file(final);
}

int store_layer_image_ensure(struct store *s, const struct store_layer *l, const char *suffix,
                             store_layer_convert_fn convert, struct store_made *made, char **path_out,
                             struct error **err)
{
    const char *key = l->chain_id ? l->chain_id : l->diff_id ? l->diff_id : l->blob_digest;
    if (!digest_is_valid(key))
        return error_setc(err, EXIT_INVALID, 0, "layer %s: malformed digest", key);
    if (store_lock(s, false, err) < 0)
        return -1;
    CLEANUP_FREE char *final = xasprintf("%s/" STORE_IMAGES_DIR "/%s.%s", s->root, digest_hex(key), suffix);
    if (is_file(final)) {
        *path_out = TAKE_PTR(final);
        return 0;
    }
    /* the suffix too: how the image is mounted until it is named */
    CLEANUP_FREE char *tmp = xasprintf("%s/" STORE_TMP_DIR "/image-XXXXXX.%s", s->root, suffix);
    int fd = mkstemps(tmp, (int)strlen(suffix) + 1);
    if (fd < 0)
        return error_set(err, errno, "create %s", tmp);
    close(fd);
    if (convert_to(s, l, convert, tmp, err) < 0) {
        unlink(tmp);
        return error_prefix(err, "layer %s", l->blob_digest);
    }
    store_made_add(made, tmp, final, STORE_IMAGES_DIR);
    *path_out = TAKE_PTR(tmp);
    return 0;
}
