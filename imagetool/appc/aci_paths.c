/* The paths a stored (uncompressed) layer holds: what a pathWhitelist above
 * it has to white out. */
#include <archive.h>
#include <archive_entry.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/appc/aci.h"
#include "imagetool/appc/aci_names.h"

int aci_layer_paths(struct store *s, const char *layer_digest, char ***paths, struct error **err)
{
    CLEANUP_FREE char *file = store_blob_path(s, layer_digest);
    struct archive *a = archive_read_new();
    archive_read_support_format_tar(a);
    if (archive_read_open_filename(a, file, 1 << 16) != ARCHIVE_OK) {
        error_setc(err, EXIT_INVALID, 0, "layer %s: %s", layer_digest, archive_error_string(a));
        archive_read_free(a);
        return -1;
    }
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *name = aci_name_clean(archive_entry_pathname(e));
        const char *base = strrchr(name, '/');
        if (*name && strncmp(base ? base + 1 : name, ".wh.", 4) != 0) {
            CLEANUP_FREE char *copy = xstrdup(name);
            size_t n = strlen(copy);
            while (n > 0 && copy[n - 1] == '/')
                copy[--n] = '\0';
            strv_append(paths, copy);
        }
    }
    if (r != ARCHIVE_EOF)
        error_setc(err, EXIT_INVALID, 0, "layer %s: %s", layer_digest, archive_error_string(a));
    archive_read_free(a);
    return r == ARCHIVE_EOF ? 0 : -1;
}
