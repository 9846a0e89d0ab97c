/* oci-archive:FILE[:TAG]: an OCI image layout packed in a tar (any
 * whole-file compression), read in one pass through the archive stage. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/sources/archive_ref.h"
#include "imagetool/sources/archive_stage.h"
#include "imagetool/sources/import.h"

static int find_blob(struct archive_stage *st, const struct descriptor *d, struct staged_entry **e,
                     struct error **err)
{
    CLEANUP_FREE char *path = xasprintf("blobs/sha256/%s", digest_hex(d->digest));
    if (archive_stage_find(st, path, e, err) < 0)
        return -1;
    if (strcmp((*e)->digest, d->digest) != 0)
        return error_setc(err, EXIT_INVALID, 0, "%s: digest mismatch, content has %s", path, (*e)->digest);
    if (d->size && (*e)->size != d->size)
        return error_setc(err, EXIT_INVALID, 0, "%s: %llu bytes, descriptor says %llu", path,
                          (unsigned long long)(*e)->size, (unsigned long long)d->size);
    return 0;
}

static int stage_read(void *ctx, const struct descriptor *d, char **buf, size_t *len, struct error **err)
{
    struct staged_entry *e = NULL;
    if (find_blob(ctx, d, &e, err) < 0)
        return -1;
    return archive_stage_data(ctx, e, buf, len, err);
}

static int stage_ensure(void *ctx, struct store *s, const struct descriptor *d, struct error **err)
{
    struct staged_entry *e = NULL;
    if (store_has_blob(s, d->digest))
        return 0;
    if (find_blob(ctx, d, &e, err) < 0)
        return -1;
    return archive_stage_commit(ctx, e, err);
}

static int oci_stage_import(struct store *s, struct archive_stage *st, const char *tag, const char *source,
                            const struct import_opts *o, struct imported *out, struct error **err)
{
    struct staged_entry *index = NULL;
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    if (archive_stage_find(st, "index.json", &index, err) < 0 || archive_stage_data(st, index, &json, &len, err) < 0)
        return -1;
    struct blob_provider bp = { st, stage_read, stage_ensure, true };
    return oci_index_import(s, &bp, json, len, tag, source, o, out, err);
}

static int oci_archive_import(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                              struct error **err)
{
    CLEANUP_FREE char *file = NULL, *tag = NULL;
    archive_ref_split(rest, &file, &tag);
    CLEANUP_FREE char *source = source_string("oci-archive", file, NULL);
    struct archive_stage st = { 0 };
    if (archive_stage_read(s, file, &st, err) < 0)
        return error_prefix(err, "oci-archive:%s", file);
    int r = oci_stage_import(s, &st, tag, source, o, out, err);
    archive_stage_free(&st);
    return r < 0 ? error_prefix(err, "oci-archive:%s", file) : 0;
}

const struct source source_oci_archive = { .transport = "oci-archive", .import = oci_archive_import };
