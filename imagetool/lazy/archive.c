/* libarchive, loaded on first use (lazy.h): it brings libxml2, ICU and
 * libstdc++, 2.4 ms of every start on this kind of host, and a second
 * bundle of an image in the store, or a pull, reads no tar. */
#include <archive.h>
#include <archive_entry.h>
#include <stdarg.h>
#include <stdio.h>

#include "imagetool/lazy/lazy.h"

static struct lazy_lib libarchive = {"libarchive.so.13", "libarchive13", NULL};

LAZY(libarchive, time_t, archive_entry_atime, (struct archive_entry *p0), (p0))
LAZY(libarchive, int, archive_entry_atime_is_set, (struct archive_entry *p0), (p0))
LAZY(libarchive, long, archive_entry_atime_nsec, (struct archive_entry *p0), (p0))
LAZY(libarchive, __LA_MODE_T, archive_entry_filetype, (struct archive_entry *p0), (p0))
LAZY_VOID(libarchive, void, archive_entry_free, (struct archive_entry *p0), (p0))
LAZY(libarchive, la_int64_t, archive_entry_gid, (struct archive_entry *p0), (p0))
LAZY(libarchive, const char *, archive_entry_hardlink, (struct archive_entry *p0), (p0))
LAZY(libarchive, const char *, archive_entry_hardlink_utf8, (struct archive_entry *p0), (p0))
LAZY(libarchive, time_t, archive_entry_mtime, (struct archive_entry *p0), (p0))
LAZY(libarchive, long, archive_entry_mtime_nsec, (struct archive_entry *p0), (p0))
LAZY(libarchive, struct archive_entry *, archive_entry_new, (void), ())
LAZY(libarchive, const char *, archive_entry_pathname, (struct archive_entry *p0), (p0))
LAZY(libarchive, const char *, archive_entry_pathname_utf8, (struct archive_entry *p0), (p0))
LAZY(libarchive, __LA_MODE_T, archive_entry_perm, (struct archive_entry *p0), (p0))
LAZY(libarchive, dev_t, archive_entry_rdevmajor, (struct archive_entry *p0), (p0))
LAZY(libarchive, dev_t, archive_entry_rdevminor, (struct archive_entry *p0), (p0))
LAZY_VOID(libarchive, void, archive_entry_set_filetype, (struct archive_entry *p0, unsigned int p1), (p0, p1))
LAZY_VOID(libarchive, void, archive_entry_set_hardlink, (struct archive_entry *p0, const char *p1), (p0, p1))
LAZY_VOID(libarchive, void, archive_entry_set_mtime, (struct archive_entry *p0, time_t p1, long p2), (p0, p1, p2))
LAZY_VOID(libarchive, void, archive_entry_set_pathname, (struct archive_entry *p0, const char *p1), (p0, p1))
LAZY_VOID(libarchive, void, archive_entry_set_perm, (struct archive_entry *p0, __LA_MODE_T p1), (p0, p1))
LAZY_VOID(libarchive, void, archive_entry_set_size, (struct archive_entry *p0, la_int64_t p1), (p0, p1))
LAZY(libarchive, la_int64_t, archive_entry_size, (struct archive_entry *p0), (p0))
LAZY(libarchive, const char *, archive_entry_symlink, (struct archive_entry *p0), (p0))
LAZY(libarchive, const char *, archive_entry_symlink_utf8, (struct archive_entry *p0), (p0))
LAZY(libarchive, la_int64_t, archive_entry_uid, (struct archive_entry *p0), (p0))
LAZY(libarchive, int, archive_entry_xattr_count, (struct archive_entry *p0), (p0))
LAZY(libarchive, int, archive_entry_xattr_next, (struct archive_entry *p0, const char **p1, const void **p2, size_t *p3), (p0, p1, p2, p3))
LAZY(libarchive, int, archive_entry_xattr_reset, (struct archive_entry *p0), (p0))
LAZY(libarchive, const char *, archive_error_string, (struct archive *p0), (p0))
LAZY(libarchive, la_ssize_t, archive_read_data, (struct archive *p0, void *p1, size_t p2), (p0, p1, p2))
LAZY(libarchive, int, archive_read_data_block, (struct archive *p0, const void **p1, size_t *p2, la_int64_t *p3), (p0, p1, p2, p3))
LAZY(libarchive, int, archive_read_free, (struct archive *p0), (p0))
LAZY(libarchive, struct archive *, archive_read_new, (void), ())
LAZY(libarchive, int, archive_read_next_header, (struct archive *p0, struct archive_entry **p1), (p0, p1))
LAZY(libarchive, int, archive_read_next_header2, (struct archive *p0, struct archive_entry *p1), (p0, p1))
LAZY(libarchive, int, archive_read_open, (struct archive *p0, void *p1, archive_open_callback *p2, archive_read_callback *p3, archive_close_callback *p4), (p0, p1, p2, p3, p4))
LAZY(libarchive, int, archive_read_open_filename, (struct archive *p0, const char *p1, size_t p2), (p0, p1, p2))
LAZY(libarchive, int, archive_read_support_filter_all, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_filter_bzip2, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_filter_gzip, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_filter_lzma, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_filter_xz, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_filter_zstd, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_format_gnutar, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_format_raw, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_read_support_format_tar, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_write_add_filter_gzip, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_write_close, (struct archive *p0), (p0))
LAZY(libarchive, la_ssize_t, archive_write_data, (struct archive *p0, const void *p1, size_t p2), (p0, p1, p2))
LAZY(libarchive, int, archive_write_free, (struct archive *p0), (p0))
LAZY(libarchive, int, archive_write_header, (struct archive *p0, struct archive_entry *p1), (p0, p1))
LAZY(libarchive, struct archive *, archive_write_new, (void), ())
LAZY(libarchive, int, archive_write_open, (struct archive *p0, void *p1, archive_open_callback *p2, archive_write_callback *p3, archive_close_callback *p4), (p0, p1, p2, p3, p4))
LAZY(libarchive, int, archive_write_open_fd, (struct archive *p0, int p1), (p0, p1))
LAZY(libarchive, int, archive_write_set_bytes_in_last_block, (struct archive *p0, int p1), (p0, p1))
LAZY(libarchive, int, archive_write_set_format_pax_restricted, (struct archive *p0), (p0))

/* variadic: formatted here, passed on whole */
LAZY_FN(libarchive, void, archive_set_error, (struct archive *, int, const char *, ...))
void archive_set_error(struct archive *a, int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fn_archive_set_error()(a, code, "%s", msg);
}
