/* Pass two over an ACI: rootfs/ rewritten as a plain tar layer in the
 * store, names without the "rootfs/" prefix, pathWhitelist applied. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/appc/aci.h"
#include "imagetool/appc/aci_names.h"
#include "imagetool/appc/aci_stream.h"
#include "imagetool/layer/internal.h"

#define COPY_BUF (1 << 16)

struct convert {
    const char *file;
    struct blob_writer *w;
    struct error *write_err;
    struct path_set *keep; /* NULL: everything */
    struct archive *out;
};

static la_ssize_t write_cb(struct archive *a, void *opaque, const void *buf, size_t len)
{
    (void)a;
    struct convert *c = opaque;
    if (blob_writer_write(c->w, buf, len, &c->write_err) < 0)
        return -1;
    return (la_ssize_t)len;
}

static char *clean_dup(const char *path)
{
    char *s = xstrdup(aci_name_clean(path));
    size_t n = strlen(s);
    while (n > 0 && s[n - 1] == '/')
        s[--n] = '\0';
    return s;
}

static struct path_set *whitelist_set(char *const *whitelist)
{
    if (!whitelist || !*whitelist)
        return NULL;
    struct path_set *set = path_set_new();
    for (char *const *w = whitelist; *w; w++) {
        CLEANUP_FREE char *p = clean_dup(*w);
        path_set_add(set, p);
    }
    return set;
}

static int write_entry(struct convert *c, struct archive_entry *e, struct error **err)
{
    if (archive_write_header(c->out, e) < ARCHIVE_WARN)
        return error_setc(err, EXIT_FAIL, 0, "layer for %s: %s", c->file,
                          c->write_err ? c->write_err->msg : archive_error_string(c->out));
    return 0;
}

static int copy_data(struct convert *c, struct archive *in, struct error **err)
{
    char buf[COPY_BUF];
    for (;;) {
        la_ssize_t r = archive_read_data(in, buf, sizeof(buf));
        if (r < 0)
            return error_setc(err, EXIT_INVALID, 0, "%s: %s", c->file, archive_error_string(in));
        if (r == 0)
            return 0;
        if (archive_write_data(c->out, buf, (size_t)r) != r)
            return error_setc(err, EXIT_FAIL, 0, "layer for %s: %s", c->file,
                              c->write_err ? c->write_err->msg : archive_error_string(c->out));
    }
}

static int str_cmp(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* ".wh.NAME" for each lower path the whitelist drops whose parent stays. */
static int write_whiteouts(struct convert *c, char *const *lower, struct error **err)
{
    size_t n = strv_len(lower);
    if (!c->keep || n == 0)
        return 0;
    char **sorted = xcalloc(n + 1, sizeof(char *));
    memcpy(sorted, lower, n * sizeof(char *));
    qsort(sorted, n, sizeof(char *), str_cmp);
    int r = 0;
    for (size_t i = 0; r == 0 && i < n; i++) {
        if ((i > 0 && strcmp(sorted[i], sorted[i - 1]) == 0) || path_set_has(c->keep, sorted[i]))
            continue;
        const char *slash = strrchr(sorted[i], '/');
        CLEANUP_FREE char *parent = slash ? strndup(sorted[i], (size_t)(slash - sorted[i])) : NULL;
        if (parent && !path_set_has(c->keep, parent))
            continue;
        CLEANUP_FREE char *wh = slash ? xasprintf("%s/.wh.%s", parent, slash + 1) : xasprintf(".wh.%s", sorted[i]);
        struct archive_entry *e = archive_entry_new();
        archive_entry_set_pathname(e, wh);
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_perm(e, 0644);
        archive_entry_set_size(e, 0);
        r = write_entry(c, e, err);
        archive_entry_free(e);
    }
    free(sorted);
    return r;
}

/* One rootfs entry, renamed; false in *skip when the whitelist drops it. */
static int convert_entry(struct convert *c, struct archive *in, struct archive_entry *e, const char *path,
                         struct error **err)
{
    if (c->keep && !path_set_has(c->keep, path))
        return 0;
    CLEANUP_FREE char *name = xstrdup(path);
    archive_entry_set_pathname(e, name);
    const char *hard = archive_entry_hardlink(e);
    if (hard) {
        CLEANUP_FREE char *target = xstrdup(aci_rootfs_path(aci_name_clean(hard)));
        if (c->keep && !path_set_has(c->keep, target))
            return 0;
        archive_entry_set_hardlink(e, target);
    }
    if (write_entry(c, e, err) < 0)
        return -1;
    return archive_entry_size(e) > 0 && !hard ? copy_data(c, in, err) : 0;
}

static int convert_entries(struct convert *c, struct archive *in, struct error **err)
{
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(in, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *raw = archive_entry_pathname(e);
        const char *path = aci_rootfs_path(aci_name_clean(raw ? raw : ""));
        if (!path || !*path)
            continue;
        CLEANUP_FREE char *clean = clean_dup(path);
        if (convert_entry(c, in, e, clean, err) < 0)
            return -1;
    }
    if (r != ARCHIVE_EOF)
        return error_setc(err, EXIT_INVALID, 0, "%s: %s", c->file, archive_error_string(in));
    return 0;
}

static int convert(struct convert *c, char *const *lower, struct error **err)
{
    CLEANUP_ACI_STREAM struct aci_stream *st = NULL;
    if (aci_stream_open(c->file, &st, err) < 0)
        return -1;
    c->out = archive_write_new();
    archive_write_set_format_pax_restricted(c->out);
    archive_write_set_bytes_in_last_block(c->out, 1);
    if (archive_write_open(c->out, c, NULL, write_cb, NULL) != ARCHIVE_OK)
        return error_setc(err, EXIT_FAIL, 0, "layer for %s: %s", c->file, archive_error_string(c->out));
    if (write_whiteouts(c, lower, err) < 0 || convert_entries(c, aci_stream_tar(st), err) < 0)
        return -1;
    if (archive_write_close(c->out) != ARCHIVE_OK)
        return error_setc(err, EXIT_FAIL, 0, "layer for %s: %s", c->file,
                          c->write_err ? c->write_err->msg : archive_error_string(c->out));
    return 0;
}

int aci_convert(struct store *s, const char *file, char *const *whitelist, char *const *lower_paths,
                char layer_digest[DIGEST_STR_LEN + 1], uint64_t *layer_size, struct error **err)
{
    struct convert c = { .file = file, .keep = whitelist_set(whitelist) };
    if (store_blob_begin(s, NULL, &c.w, err) < 0) {
        path_set_free(c.keep);
        return -1;
    }
    int r = convert(&c, lower_paths, err);
    if (c.out)
        archive_write_free(c.out);
    path_set_free(c.keep);
    error_free(c.write_err);
    if (r < 0) {
        store_blob_abort(c.w);
        return -1;
    }
    *layer_size = blob_writer_size(c.w);
    return store_blob_commit(c.w, layer_digest, err);
}
