/* Reading an image archive (a docker save or an OCI layout in a tar, any
 * whole-file compression) in ONE pass: each regular entry streams into a
 * store temp file, hashed on the way, without knowing yet whether the image
 * needs it (manifest.json often comes last). Afterwards the import commits
 * the entries it uses (a rename) and the rest are dropped. Entry names with
 * ".." are refused before anything is written. */
#ifndef IMAGETOOL_SOURCES_ARCHIVE_STAGE_H
#define IMAGETOOL_SOURCES_ARCHIVE_STAGE_H

#include <stdbool.h>
#include <stdint.h>

#include "common/digest.h"
#include "imagetool/store/store.h"

struct staged_entry {
    char *path;                        /* normalised: no "./", no ".." */
    char *link;                        /* symlink or hardlink target, normalised; else NULL */
    char digest[DIGEST_STR_LEN + 1];   /* sha256 of the content */
    uint64_t size;
    unsigned char magic[4];            /* first bytes, to sniff compression */
    struct blob_writer *w;             /* staged, not committed yet */
    char *data;                        /* the content when small (<= 1 MiB, 64 MiB in all) */
    size_t len;
};

struct archive_stage {
    struct store *s;
    const char *file;
    struct staged_entry *entries;
    size_t n, cap;
    size_t kept;                       /* bytes held in memory by all entries */
};

int archive_stage_read(struct store *s, const char *file, struct archive_stage *out, struct error **err);
/* The regular entry at path, following symlinks and hardlinks; EXIT_INVALID if absent. */
int archive_stage_find(struct archive_stage *st, const char *path, struct staged_entry **out, struct error **err);
/* Make sure the entry is a blob in the store. */
int archive_stage_commit(struct archive_stage *st, struct staged_entry *e, struct error **err);
/* The whole content of a small entry (a copy); one not held in memory is
 * committed and read back from the store. */
int archive_stage_data(struct archive_stage *st, struct staged_entry *e, char **buf, size_t *len,
                       struct error **err);
/* Drops every uncommitted temp file. */
void archive_stage_free(struct archive_stage *st);

/* Layer media type from the magic bytes (gzip, zstd, else plain tar). */
const char *archive_layer_media_type(const struct staged_entry *e);

#endif
