/* What every consumer of a layer stream does the same way: walk its tar
 * entries, name a decompressor failure as such, check the diff_id. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "imagetool/layer/internal.h"

/* An error from the decompressor (corrupt or truncated gzip...) names it. */
static int read_failed(struct layer_stream *s, struct archive *a, struct error **err)
{
    const char *filter = layer_stream_filter_error(s);
    if (filter && layer_stream_too_large(s))
        return error_setc(err, EXIT_INVALID, 0, "%s", filter);
    if (filter)
        return error_setc(err, EXIT_INVALID, 0, "corrupt layer: %s", filter);
    const char *msg = archive_error_string(a);
    return error_setc(err, EXIT_INVALID, 0, "corrupt tar: %s", msg ? msg : "read error");
}

int layer_stream_each_entry(struct layer_stream *s, layer_entry_fn fn, void *arg, struct error **err)
{
    struct archive *a = layer_stream_tar(s);
    struct archive_entry *e = archive_entry_new();
    if (e == NULL)
        abort();
    int rc = 0;
    for (;;) {
        int r = archive_read_next_header2(a, e);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN) {
            rc = read_failed(s, a, err);
            break;
        }
        if (fn(arg, a, e, err) < 0) {
            /* a short read inside an entry is the decompressor's fault */
            if (layer_stream_filter_error(s))
                read_failed(s, a, err);
            rc = -1;
            break;
        }
    }
    archive_entry_free(e);
    return rc;
}

int layer_stream_check_diff_id(struct layer_stream *s, const char *diff_id, struct error **err)
{
    char got[DIGEST_STR_LEN + 1];
    if (layer_stream_finish(s, got, err) < 0)
        return error_prefix(err, "corrupt layer");
    if (diff_id && strcmp(diff_id, got) != 0)
        return error_setc(err, EXIT_INVALID, 0, "diff_id mismatch: expected %s, got %s", diff_id, got);
    return 0;
}
