/* Pass one over an ACI: image ID, manifest, names checked. */
#include <archive.h>
#include <archive_entry.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/appc/aci.h"
#include "imagetool/appc/aci_names.h"
#include "imagetool/appc/aci_stream.h"

struct scan {
    const char *file;
    bool has_rootfs;
    char *manifest;
    size_t manifest_len;
};

static int read_manifest(struct archive *a, struct archive_entry *e, struct scan *sc, struct error **err)
{
    if (archive_entry_filetype(e) != AE_IFREG)
        return error_setc(err, EXIT_INVALID, 0, "%s: manifest is not a regular file", sc->file);
    if (sc->manifest)
        return error_setc(err, EXIT_INVALID, 0, "%s: two manifest entries", sc->file);
    if (archive_entry_size(e) > ACI_MANIFEST_MAX)
        return error_setc(err, EXIT_INVALID, 0, "%s: manifest larger than %u bytes", sc->file, ACI_MANIFEST_MAX);
    size_t cap = (size_t)archive_entry_size(e) + 1, len = 0;
    sc->manifest = xmalloc(cap);
    for (;;) {
        la_ssize_t r = archive_read_data(a, sc->manifest + len, cap - len);
        if (r < 0)
            return error_setc(err, EXIT_INVALID, 0, "%s: manifest: %s", sc->file, archive_error_string(a));
        if (r == 0)
            break;
        len += (size_t)r;
        if (len == cap)
            return error_setc(err, EXIT_INVALID, 0, "%s: manifest longer than its header says", sc->file);
    }
    sc->manifest_len = len;
    return 0;
}

static int check_rootfs_entry(struct archive_entry *e, const char *name, struct scan *sc, struct error **err)
{
    if (aci_name_has_dotdot(name))
        return error_setc(err, EXIT_INVALID, 0, "%s: entry \"%s\" escapes rootfs/ with \"..\"", sc->file, name);
    const char *hard = archive_entry_hardlink(e);
    if (hard) {
        const char *clean = aci_name_clean(hard);
        if (aci_rootfs_path(clean) == NULL || aci_name_has_dotdot(clean))
            return error_setc(err, EXIT_INVALID, 0, "%s: entry \"%s\" is a hard link to \"%s\", outside rootfs/",
                              sc->file, name, hard);
    }
    sc->has_rootfs = true;
    return 0;
}

static int scan_entries(struct archive *a, struct scan *sc, struct error **err)
{
    struct archive_entry *e;
    int r;
    while ((r = archive_read_next_header(a, &e)) == ARCHIVE_OK || r == ARCHIVE_WARN) {
        const char *raw = archive_entry_pathname(e);
        const char *name = aci_name_clean(raw ? raw : "");
        if (strcmp(name, "manifest") == 0) {
            if (read_manifest(a, e, sc, err) < 0)
                return -1;
        } else if (aci_rootfs_path(name)) {
            if (check_rootfs_entry(e, name, sc, err) < 0)
                return -1;
        } else if (*name) {
            return error_setc(err, EXIT_INVALID, 0, "%s: entry \"%s\" is neither manifest nor under rootfs/",
                              sc->file, raw);
        }
    }
    if (r != ARCHIVE_EOF)
        return error_setc(err, EXIT_INVALID, 0, "%s: %s", sc->file, archive_error_string(a));
    if (!sc->manifest)
        return error_setc(err, EXIT_INVALID, 0, "%s: no manifest (not an ACI)", sc->file);
    if (!sc->has_rootfs)
        return error_setc(err, EXIT_INVALID, 0, "%s: no rootfs/ directory (not an ACI)", sc->file);
    return 0;
}

int aci_scan(const char *file, struct aci_info *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    CLEANUP_ACI_STREAM struct aci_stream *st = NULL;
    struct scan sc = { .file = file };
    if (aci_stream_open(file, &st, err) < 0)
        return -1;
    int r = scan_entries(aci_stream_tar(st), &sc, err);
    if (r == 0)
        r = aci_stream_finish(st, out->image_id, &out->tar_size, err);
    out->manifest_json = sc.manifest;
    out->manifest_len = sc.manifest_len;
    if (r == 0 && aci_manifest_parse(sc.manifest, sc.manifest_len, &out->manifest, err) < 0)
        r = error_prefix(err, "%s", file);
    if (r < 0)
        aci_info_clear(out);
    return r;
}

void aci_info_clear(struct aci_info *i)
{
    free(i->manifest_json);
    aci_manifest_clear(&i->manifest);
    memset(i, 0, sizeof(*i));
}
