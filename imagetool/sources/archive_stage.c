/* One pass over an image archive; see archive_stage.h. */
#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/archive_filters.h"
#include "imagetool/image/image.h"
#include "imagetool/sources/archive_path.h"
#include "imagetool/sources/archive_stage.h"

#define KEEP_IN_MEMORY (1 << 20)
#define KEEP_IN_MEMORY_TOTAL (64 << 20)
#define MAX_DOCUMENT (16 << 20)
#define READ_CHUNK (1 << 20)
#define MAX_LINK_HOPS 16

static void archive_freep(struct archive **a)
{
    if (*a)
        archive_read_free(*a);
}

static struct staged_entry *add_entry(struct archive_stage *st, char *path)
{
    if (st->n == st->cap) {
        st->cap = st->cap ? st->cap * 2 : 32;
        st->entries = xrealloc(st->entries, st->cap * sizeof(*st->entries));
    }
    struct staged_entry *e = &st->entries[st->n++];
    memset(e, 0, sizeof(*e));
    e->path = path;
    return e;
}

static int archive_fail(struct archive *a, const char *what, struct error **err)
{
    const char *msg = archive_error_string(a);
    return error_setc(err, EXIT_INVALID, 0, "%s: %s", what, msg ? msg : "unreadable archive");
}

/* blobs/sha256/<hex> names its own digest. */
static const char *digest_in_name(const char *path, char buf[DIGEST_STR_LEN + 1])
{
    const char *prefix = "blobs/sha256/";
    if (strncmp(path, prefix, strlen(prefix)) != 0)
        return NULL;
    snprintf(buf, DIGEST_STR_LEN + 1, "sha256:%s", path + strlen(prefix));
    return digest_is_valid(buf) ? buf : NULL;
}

static void note_magic(struct staged_entry *e, const char *buf, size_t n)
{
    if (e->size >= sizeof(e->magic))
        return;
    size_t want = sizeof(e->magic) - (size_t)e->size;
    memcpy(e->magic + e->size, buf, n < want ? n : want);
}

/* Keep small entries (JSON documents) in memory as well, within a budget
 * so that an archive of many small files cannot exhaust memory. */
static void keep_copy(struct archive_stage *st, struct staged_entry *e, const char *buf, size_t n, size_t *cap)
{
    if (e->size + n > KEEP_IN_MEMORY || st->kept + n > KEEP_IN_MEMORY_TOTAL || (e->size > 0 && !e->data)) {
        st->kept -= e->len;
        free(e->data);
        e->data = NULL;
        e->len = 0;
        return;
    }
    if (e->len + n > *cap)
        e->data = xrealloc(e->data, *cap = 2 * (e->len + n));
    memcpy(e->data + e->len, buf, n);
    e->len += n;
    st->kept += n;
}

static int stage_data(struct archive_stage *st, struct archive *a, struct staged_entry *e, char *buf,
                      struct error **err)
{
    if (store_blob_begin(st->s, NULL, &e->w, err) < 0)
        return -1;
    size_t cap = 0;
    for (;;) {
        la_ssize_t n = archive_read_data(a, buf, READ_CHUNK);
        if (n < 0)
            return archive_fail(a, e->path, err);
        if (n == 0)
            break;
        if (blob_writer_write(e->w, buf, (size_t)n, err) < 0)
            return -1;
        note_magic(e, buf, (size_t)n);
        keep_copy(st, e, buf, (size_t)n, &cap);
        e->size += (uint64_t)n;
    }
    store_blob_finish(e->w, e->digest);
    char named[DIGEST_STR_LEN + 1];
    if (digest_in_name(e->path, named) && strcmp(named, e->digest) != 0)
        return error_setc(err, EXIT_INVALID, 0, "%s: digest mismatch, content has %s", e->path, e->digest);
    return 0;
}

/* The magic bytes of an entry skipped because the store has its blob. */
static int read_stored_magic(struct store *s, struct staged_entry *e, struct error **err)
{
    CLEANUP_CLOSE int fd = store_blob_open(s, e->digest, err);
    if (fd < 0)
        return -1;
    if (pread(fd, e->magic, sizeof(e->magic), 0) < 0)
        return error_set(err, errno, "read blob %s", e->digest);
    return 0;
}

static int stage_entry(struct archive_stage *st, struct archive *a, struct archive_entry *ae, char *buf,
                       struct error **err)
{
    const char *raw = archive_entry_pathname(ae);
    char *path = archive_path_normalise(raw ? raw : "");
    if (path == NULL)
        return error_setc(err, EXIT_INVALID, 0, "entry '%s' leaves the archive (\"..\"); refusing it", raw);
    mode_t type = archive_entry_filetype(ae);
    const char *hardlink = archive_entry_hardlink(ae);
    if (path[0] == '\0' || (type != AE_IFREG && type != AE_IFLNK && !hardlink)) {
        free(path);
        return 0;
    }
    struct staged_entry *e = add_entry(st, path);
    if (hardlink || type == AE_IFLNK) {
        e->link = hardlink ? archive_path_normalise(hardlink) : archive_link_resolve(path, archive_entry_symlink(ae));
        if (e->link == NULL)
            return error_setc(err, EXIT_INVALID, 0, "link '%s' points outside the archive", path);
        return 0;
    }
    char named[DIGEST_STR_LEN + 1];
    if (digest_in_name(path, named) && store_has_blob(st->s, named)) {
        memcpy(e->digest, named, sizeof(named)); /* stored and verified before: skip the copy */
        e->size = (uint64_t)archive_entry_size(ae);
        return read_stored_magic(st->s, e, err);
    }
    return stage_data(st, a, e, buf, err);
}

static int open_archive(const char *file, struct archive **out, struct error **err)
{
    struct stat sb;
    if (stat(file, &sb) < 0)
        return error_set(err, errno, "open");
    struct archive *a = archive_read_new();
    if (archive_enable_builtin_filters(a) < 0) {
        error_setc(err, EXIT_FAIL, 0, "libarchive: a built-in decompression filter is missing");
        archive_read_free(a);
        return -1;
    }
    archive_read_support_format_tar(a);
    archive_read_support_format_gnutar(a);
    if (archive_read_open_filename(a, file, READ_CHUNK) != ARCHIVE_OK) {
        error_setc(err, EXIT_INVALID, 0, "%s", archive_error_string(a));
        archive_read_free(a);
        return -1;
    }
    *out = a;
    return 0;
}

int archive_stage_read(struct store *s, const char *file, struct archive_stage *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    out->s = s;
    out->file = file;
    CLEANUP(archive_freep) struct archive *a = NULL;
    if (open_archive(file, &a, err) < 0)
        return -1;
    CLEANUP_FREE char *buf = xmalloc(READ_CHUNK);
    struct archive_entry *ae = NULL;
    int r;
    while ((r = archive_read_next_header(a, &ae)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        if (stage_entry(out, a, ae, buf, err) < 0) {
            archive_stage_free(out);
            return -1;
        }
    }
    if (r != ARCHIVE_EOF) {
        archive_fail(a, "reading", err);
        archive_stage_free(out);
        return -1;
    }
    return 0;
}

int archive_stage_find(struct archive_stage *st, const char *path, struct staged_entry **out, struct error **err)
{
    CLEANUP_FREE char *want = archive_path_normalise(path);
    if (want == NULL)
        return error_setc(err, EXIT_INVALID, 0, "'%s' leaves the archive (\"..\")", path);
    for (int hops = 0; hops < MAX_LINK_HOPS; hops++) {
        struct staged_entry *e = NULL;
        for (size_t i = st->n; i-- > 0 && !e;)
            if (strcmp(st->entries[i].path, want) == 0)
                e = &st->entries[i];
        if (e == NULL)
            return error_setc(err, EXIT_INVALID, 0, "no entry '%s' in the archive", path);
        if (e->link == NULL) {
            *out = e;
            return 0;
        }
        free(want);
        want = xstrdup(e->link);
    }
    return error_setc(err, EXIT_INVALID, 0, "'%s': too many levels of links", path);
}

int archive_stage_commit(struct archive_stage *st, struct staged_entry *e, struct error **err)
{
    if (e->w == NULL)
        return store_has_blob(st->s, e->digest) ? 0
               : error_setc(err, EXIT_NOTFOUND, 0, "blob %s vanished from the store", e->digest);
    struct blob_writer *w = TAKE_PTR(e->w);
    return store_blob_commit(w, NULL, err);
}

int archive_stage_data(struct archive_stage *st, struct staged_entry *e, char **buf, size_t *len,
                       struct error **err)
{
    if (e->data || e->size == 0) {
        *buf = xmalloc(e->len + 1);
        if (e->len)
            memcpy(*buf, e->data, e->len);
        (*buf)[e->len] = '\0';
        *len = e->len;
        return 0;
    }
    if (e->size > MAX_DOCUMENT)
        return error_setc(err, EXIT_INVALID, 0, "%s: too large for a JSON document", e->path);
    if (archive_stage_commit(st, e, err) < 0)
        return -1;
    return store_blob_read(st->s, e->digest, buf, len, err);
}

void archive_stage_free(struct archive_stage *st)
{
    for (size_t i = 0; i < st->n; i++) {
        struct staged_entry *e = &st->entries[i];
        store_blob_abort(e->w);
        free(e->path);
        free(e->link);
        free(e->data);
    }
    free(st->entries);
    memset(st, 0, sizeof(*st));
}

const char *archive_layer_media_type(const struct staged_entry *e)
{
    static const unsigned char gzip[] = { 0x1f, 0x8b }, zstd[] = { 0x28, 0xb5, 0x2f, 0xfd };
    if (e->size >= 2 && memcmp(e->magic, gzip, 2) == 0)
        return MT_OCI_LAYER_GZIP;
    if (e->size >= 4 && memcmp(e->magic, zstd, 4) == 0)
        return MT_OCI_LAYER_ZSTD;
    return MT_OCI_LAYER;
}
