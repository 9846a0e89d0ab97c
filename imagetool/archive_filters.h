/* The decompression filters imagetool lets libarchive use: built-in ones
 * only, for layers and for docker-archive/oci-archive files alike. */
#ifndef IMAGETOOL_ARCHIVE_FILTERS_H
#define IMAGETOOL_ARCHIVE_FILTERS_H

struct archive;

/* gzip, zstd, xz, bzip2 and lzma, each decoded in-process. Never
 * archive_read_support_filter_all: its lrzip, lzop, grzip, lz4 (without
 * liblz4) ... filters run an external program found on $PATH. 0, or -1 when
 * one of them would need an external program or is missing. */
int archive_enable_builtin_filters(struct archive *a);

#endif
