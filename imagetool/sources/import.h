/* What the on-disk sources share: naming the stored image, and the OCI
 * layout walk (index.json -> index -> manifest -> blobs) that oci:,
 * oci-archive: and Docker >= 25 saves all need, over any blob provider. */
#ifndef IMAGETOOL_SOURCES_IMPORT_H
#define IMAGETOOL_SOURCES_IMPORT_H

#include "imagetool/source.h"

/* Tag the stored manifest with o->name, else derived_name; fill out. */
int import_tag(struct store *s, const struct import_opts *o, const char *derived_name, const char *digest,
               const char *media_type, uint64_t size, struct imported *out, struct error **err);

struct blob_provider {
    void *ctx;
    /* A small blob (index, manifest, config), verified against d. */
    int (*read)(void *ctx, const struct descriptor *d, char **buf, size_t *len, struct error **err);
    /* The blob in the store, verified against d (no copy when it is there). */
    int (*ensure)(void *ctx, struct store *s, const struct descriptor *d, struct error **err);
    /* ensure costs no read (the blob is staged in the store already), so a
     * small blob that was read is committed rather than written again */
    bool staged;
};

/* index.json's manifests: the one named tag (ref.name), or the only one
 * when tag is NULL; indexes are followed with o->platform; the manifest,
 * config and layers land in the store. source names the image for
 * messages and, when the entry has no usable ref.name, in the store. */
int oci_index_import(struct store *s, const struct blob_provider *bp, const char *index_json, size_t len,
                     const char *tag, const char *source, const struct import_opts *o, struct imported *out,
                     struct error **err);

/* The name a ref.name gets: a full reference ("busybox:1.38") as it is,
 * a bare tag ("v1") as "<source>:<tag>". */
char *oci_ref_store_name(const char *source_without_tag, const char *ref_name);

/* "transport:/absolute/path[:ref]": a source string that names the same
 * image from any directory (the name of images that carry none). */
char *source_string(const char *transport, const char *path, const char *ref);

/* Check a fully read blob against its descriptor. */
int verify_blob(const struct descriptor *d, const char *buf, size_t len, struct error **err);

/* A file of a source directory, opened beneath dirfd (open_in_root) without
 * blocking: only a regular file is read (a FIFO would block the import, a
 * device never end it). what names it in the error line; missing is the
 * exit class when it does not exist. */
int open_source_file(int dirfd, const char *rel, int missing, const char *what, struct error **err);

#endif
