/* Built-in decompression filters only (see archive_filters.h). */
#include "imagetool/archive_filters.h"

#include <archive.h>

int archive_enable_builtin_filters(struct archive *a)
{
    /* ARCHIVE_WARN means libarchive would fall back to an external program. */
    if (archive_read_support_filter_gzip(a) != ARCHIVE_OK || archive_read_support_filter_zstd(a) != ARCHIVE_OK ||
        archive_read_support_filter_xz(a) != ARCHIVE_OK || archive_read_support_filter_bzip2(a) != ARCHIVE_OK ||
        archive_read_support_filter_lzma(a) != ARCHIVE_OK)
        return -1;
    return 0;
}
