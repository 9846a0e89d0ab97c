/* libarchive, loaded on first use: it brings libxml2, ICU and libstdc++,
 * 2.4 ms of every start on this kind of host, and a second bundle of an
 * image in the store, or a pull, reads no tar. Each function the program
 * calls is defined here, with libarchive's own prototype, and forwards to
 * the library's, found once (dlopen of the soname the headers belong to).
 * A function missing here fails the link, never the run. */
#include <archive.h>
#include <archive_entry.h>
#include <dlfcn.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>

#include "common/cleanup.h"
#include "common/log.h"

#define LIBARCHIVE_SONAME "libarchive.so.13"

/* Without it nothing that reads a tar can go on: the one line, and out. */
static __attribute__((noreturn)) void cannot_load(const char *why)
{
    CLEANUP_ERROR struct error *err = NULL;
    error_setc(&err, EXIT_FAIL, 0, "cannot load %s (package libarchive13): %s", LIBARCHIVE_SONAME, why);
    exit(log_error_exit(err));
}

static void *library(void)
{
    static void *handle;
    void *h = __atomic_load_n(&handle, __ATOMIC_ACQUIRE);
    if (h == NULL) {
        if ((h = dlopen(LIBARCHIVE_SONAME, RTLD_NOW | RTLD_LOCAL)) == NULL)
            cannot_load(dlerror());
        __atomic_store_n(&handle, h, __ATOMIC_RELEASE);
    }
    return h;
}

static void *lookup(const char *name)
{
    void *f = dlsym(library(), name);
    if (f == NULL)
        cannot_load(name);
    return f;
}

#define LAZY_FN(ret, name, params)                                         \
    static ret(*real_##name) params;                                       \
    static ret(*fn_##name(void)) params                                    \
    {                                                                      \
        ret(*f) params = __atomic_load_n(&real_##name, __ATOMIC_ACQUIRE); \
        if (f == NULL) {                                                   \
            f = (ret(*) params)lookup(#name);                              \
            __atomic_store_n(&real_##name, f, __ATOMIC_RELEASE);           \
        }                                                                  \
        return f;                                                          \
    }

#define LAZY(ret, name, params, args) \
    LAZY_FN(ret, name, params)        \
    ret name params                   \
    {                                 \
        return fn_##name() args;      \
    }

#define LAZY_VOID(ret, name, params, args) \
    LAZY_FN(ret, name, params)             \
    ret name params                        \
    {                                      \
        fn_##name() args;                  \
    }

LAZY(time_t, archive_entry_atime, (struct archive_entry *p0), (p0))
LAZY(int, archive_entry_atime_is_set, (struct archive_entry *p0), (p0))
LAZY(long, archive_entry_atime_nsec, (struct archive_entry *p0), (p0))
LAZY(__LA_MODE_T, archive_entry_filetype, (struct archive_entry *p0), (p0))
LAZY_VOID(void, archive_entry_free, (struct archive_entry *p0), (p0))
LAZY(la_int64_t, archive_entry_gid, (struct archive_entry *p0), (p0))
LAZY(const char *, archive_entry_hardlink, (struct archive_entry *p0), (p0))
LAZY(const char *, archive_entry_hardlink_utf8, (struct archive_entry *p0), (p0))
LAZY(time_t, archive_entry_mtime, (struct archive_entry *p0), (p0))
LAZY(long, archive_entry_mtime_nsec, (struct archive_entry *p0), (p0))
LAZY(struct archive_entry *, archive_entry_new, (void), ())
LAZY(const char *, archive_entry_pathname, (struct archive_entry *p0), (p0))
LAZY(const char *, archive_entry_pathname_utf8, (struct archive_entry *p0), (p0))
LAZY(__LA_MODE_T, archive_entry_perm, (struct archive_entry *p0), (p0))
LAZY(dev_t, archive_entry_rdevmajor, (struct archive_entry *p0), (p0))
LAZY(dev_t, archive_entry_rdevminor, (struct archive_entry *p0), (p0))
LAZY_VOID(void, archive_entry_set_filetype, (struct archive_entry *p0, unsigned int p1), (p0, p1))
LAZY_VOID(void, archive_entry_set_hardlink, (struct archive_entry *p0, const char *p1), (p0, p1))
LAZY_VOID(void, archive_entry_set_mtime, (struct archive_entry *p0, time_t p1, long p2), (p0, p1, p2))
LAZY_VOID(void, archive_entry_set_pathname, (struct archive_entry *p0, const char *p1), (p0, p1))
LAZY_VOID(void, archive_entry_set_perm, (struct archive_entry *p0, __LA_MODE_T p1), (p0, p1))
LAZY_VOID(void, archive_entry_set_size, (struct archive_entry *p0, la_int64_t p1), (p0, p1))
LAZY(la_int64_t, archive_entry_size, (struct archive_entry *p0), (p0))
LAZY(const char *, archive_entry_symlink, (struct archive_entry *p0), (p0))
LAZY(const char *, archive_entry_symlink_utf8, (struct archive_entry *p0), (p0))
LAZY(la_int64_t, archive_entry_uid, (struct archive_entry *p0), (p0))
LAZY(int, archive_entry_xattr_count, (struct archive_entry *p0), (p0))
LAZY(int, archive_entry_xattr_next, (struct archive_entry *p0, const char **p1, const void **p2, size_t *p3), (p0, p1, p2, p3))
LAZY(int, archive_entry_xattr_reset, (struct archive_entry *p0), (p0))
LAZY(const char *, archive_error_string, (struct archive *p0), (p0))
LAZY(la_ssize_t, archive_read_data, (struct archive *p0, void *p1, size_t p2), (p0, p1, p2))
LAZY(int, archive_read_data_block, (struct archive *p0, const void **p1, size_t *p2, la_int64_t *p3), (p0, p1, p2, p3))
LAZY(int, archive_read_free, (struct archive *p0), (p0))
LAZY(struct archive *, archive_read_new, (void), ())
LAZY(int, archive_read_next_header, (struct archive *p0, struct archive_entry **p1), (p0, p1))
LAZY(int, archive_read_next_header2, (struct archive *p0, struct archive_entry *p1), (p0, p1))
LAZY(int, archive_read_open, (struct archive *p0, void *p1, archive_open_callback *p2, archive_read_callback *p3, archive_close_callback *p4), (p0, p1, p2, p3, p4))
LAZY(int, archive_read_open_filename, (struct archive *p0, const char *p1, size_t p2), (p0, p1, p2))
LAZY(int, archive_read_support_filter_all, (struct archive *p0), (p0))
LAZY(int, archive_read_support_filter_bzip2, (struct archive *p0), (p0))
LAZY(int, archive_read_support_filter_gzip, (struct archive *p0), (p0))
LAZY(int, archive_read_support_filter_lzma, (struct archive *p0), (p0))
LAZY(int, archive_read_support_filter_xz, (struct archive *p0), (p0))
LAZY(int, archive_read_support_filter_zstd, (struct archive *p0), (p0))
LAZY(int, archive_read_support_format_gnutar, (struct archive *p0), (p0))
LAZY(int, archive_read_support_format_raw, (struct archive *p0), (p0))
LAZY(int, archive_read_support_format_tar, (struct archive *p0), (p0))
LAZY(int, archive_write_add_filter_gzip, (struct archive *p0), (p0))
LAZY(int, archive_write_close, (struct archive *p0), (p0))
LAZY(la_ssize_t, archive_write_data, (struct archive *p0, const void *p1, size_t p2), (p0, p1, p2))
LAZY(int, archive_write_free, (struct archive *p0), (p0))
LAZY(int, archive_write_header, (struct archive *p0, struct archive_entry *p1), (p0, p1))
LAZY(struct archive *, archive_write_new, (void), ())
LAZY(int, archive_write_open, (struct archive *p0, void *p1, archive_open_callback *p2, archive_write_callback *p3, archive_close_callback *p4), (p0, p1, p2, p3, p4))
LAZY(int, archive_write_open_fd, (struct archive *p0, int p1), (p0, p1))
LAZY(int, archive_write_set_bytes_in_last_block, (struct archive *p0, int p1), (p0, p1))
LAZY(int, archive_write_set_format_pax_restricted, (struct archive *p0), (p0))

/* variadic: formatted here, passed on whole */
LAZY_FN(void, archive_set_error, (struct archive *, int, const char *, ...))
void archive_set_error(struct archive *a, int code, const char *fmt, ...)
{
    char msg[1024];
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof(msg), fmt, ap);
    va_end(ap);
    fn_archive_set_error()(a, code, "%s", msg);
}
