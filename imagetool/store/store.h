/* The content-addressable store: an OCI image layout at the store root
 * (oci-layout, index.json, blobs/sha256/<hex>) plus a cache of extracted
 * layers for the overlay backend and of layer images for the squashfs one. Every blob is verified while it streams
 * in and renamed into place only when its digest matches. See specs/store.md. */
#ifndef IMAGETOOL_STORE_H
#define IMAGETOOL_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/digest.h"
#include "common/error.h"
#include "imagetool/layer/layer.h"

#define STORE_DEFAULT_ROOT "/var/lib/imagetool"

struct store;

/* Open (creating the layout if needed). */
int store_open(const char *root, struct store **out, struct error **err);
/* Like store_open, for commands that only read: a missing store is an error
 * (exit 4), never created. */
int store_open_existing(const char *root, struct store **out, struct error **err);
void store_close(struct store *s);
void store_closep(struct store **s);
#define CLEANUP_STORE CLEANUP(store_closep)
const char *store_root(const struct store *s);

/* Locks: shared for readers, exclusive for index.json updates and gc. */
int store_lock(struct store *s, bool exclusive, struct error **err);
void store_unlock(struct store *s);

/* Streaming blob writer: temp file under blobs/, sha256 while writing,
 * renamed to blobs/sha256/<hex> on commit. expected may be NULL (the digest
 * is then whatever came in). A mismatch is EXIT_INVALID and leaves nothing. */
struct blob_writer;
int store_blob_begin(struct store *s, const char *expected, struct blob_writer **out, struct error **err);
int blob_writer_write(struct blob_writer *w, const void *buf, size_t len, struct error **err);
uint64_t blob_writer_size(const struct blob_writer *w);
int store_blob_commit(struct blob_writer *w, char digest_out[DIGEST_STR_LEN + 1], struct error **err);
void store_blob_abort(struct blob_writer *w); /* removes the temp file; NULL is fine */
/* The writer's temp file. */
int blob_writer_fd(const struct blob_writer *w);
/* Commit a temp file whose content the caller verified (not hashed here). */
int store_blob_commit_verified(struct blob_writer *w, struct error **err);
/* Make the blobs committed so far durable and named (blob_batch.c: this is
 * done by store_tag, store_gc and store_close; other processes see a blob
 * only after it). */
int store_flush(struct store *s, struct error **err);
/* fd (a regular file, expected digest and size, 0: unchecked) into the store
 * without copying its bytes (blob_adopt.c): 1 done, 0 not possible on this
 * file system (copy it instead), -1 error (a mismatch is EXIT_INVALID). */
int store_blob_adopt(struct store *s, int fd, const char *expected, uint64_t size, struct error **err);
/* Added: stop hashing and learn the digest without committing yet (an
 * archive's entries are staged before its manifest says which ones count);
 * then commit or abort. Commit and abort both free the writer. */
int store_blob_finish(struct blob_writer *w, char digest_out[DIGEST_STR_LEN + 1]);

int store_put_blob(struct store *s, const void *buf, size_t len, const char *expected,
                   char digest_out[DIGEST_STR_LEN + 1], struct error **err);
bool store_has_blob(struct store *s, const char *digest);
char *store_blob_path(const struct store *s, const char *digest);
int store_blob_open(struct store *s, const char *digest, struct error **err); /* fd */
int store_blob_read(struct store *s, const char *digest, char **buf, size_t *len, struct error **err);
/* Added: fn(ctx, digest, fd) for every blob store_blob_open opens from now
 * on (unpack's progress follows the layer blobs a backend reads); NULL
 * stops it. */
typedef void (*store_blob_watch_fn)(void *ctx, const char *digest, int fd);
void store_watch_blobs(struct store *s, store_blob_watch_fn fn, void *ctx);
/* Someone follows the blobs opened (a walk then reads one layer at a time,
 * as the progress shows them). */
bool store_blobs_watched(const struct store *s);

/* Image names in index.json (annotation org.opencontainers.image.ref.name
 * holds the full normalised name, e.g. "docker.io/library/busybox:latest"). */
struct store_image {
    char *name;            /* NULL for an untagged entry */
    char *digest;          /* manifest digest */
    char *media_type;
    uint64_t size;
};
/* Added: the name as stored: a Docker reference in full form
 * ("busybox" -> "docker.io/library/busybox:latest"); anything that is not a
 * Docker reference (e.g. "oci:/dir:tag") is kept as it is. */
char *store_name_normalise(const char *name);
int store_tag(struct store *s, const char *name, const char *manifest_digest, const char *media_type,
              uint64_t size, struct error **err);
int store_untag(struct store *s, const char *name, struct error **err);
/* Added: drop every name (and the untagged entry) of this manifest digest. */
int store_untag_digest(struct store *s, const char *digest, struct error **err);
int store_list(struct store *s, struct store_image **out, size_t *n, struct error **err);
/* A name, a digest or a unique digest prefix -> the image. EXIT_NOTFOUND if none. */
int store_resolve(struct store *s, const char *ref, struct store_image *out, struct error **err);
void store_image_clear(struct store_image *img);
void store_images_free(struct store_image *imgs, size_t n);

/* One layer of an image, for the layer caches: its blob, its diff_id
 * (checked as it streams), its chain ID (the cache key: the OCI ChainID of
 * the layer on top of those below it, which is the diff_id for the bottom
 * one) and the view of the layers below (NULL for the bottom one), which
 * entry parents resolve against (layer.h). */
struct store_layer {
    const char *blob_digest, *diff_id, *chain_id;
    struct layer_below *below;
};

/* Layers made by one walk under tmp/, named together by store_made_commit:
 * one syncfs for all, the renames, one fsync of each cache directory; each
 * path in paths that names a temp name then names the final one.
 * store_made_abort removes what was made. */
struct store_made {
    char **tmp, **final, **dirs;
};
void store_made_add(struct store_made *made, const char *tmp, const char *final, const char *dir);
int store_made_commit(struct store *s, struct store_made *made, char **paths, struct error **err);
void store_made_abort(struct store_made *made);
void store_made_clear(struct store_made *made);

/* Extracted-layer cache: layers/<chain_id hex>/ holding the layer applied
 * to an empty directory with whiteouts in overlayfs form. The path of the
 * cached directory, or of a new one under tmp/ added to made. */
int store_layer_ensure(struct store *s, const struct store_layer *l, struct store_made *made, char **dir_out,
                       struct error **err);

/* Layer-image cache: images/<chain_id hex>.<suffix>, one read-only file
 * system image per layer made by convert (which writes the image at path
 * from the layer blob, checking the diff_id). The cached image's path, or
 * a new one's under tmp/ added to made. */
typedef int (*store_layer_convert_fn)(int blob_fd, const char *diff_id, struct layer_below *below, const char *path,
                                      struct error **err);
/* Whether the cache has the image of key (a chain id) already. */
bool store_layer_image_cached(struct store *s, const char *key, const char *suffix);
int store_layer_image_ensure(struct store *s, const struct store_layer *l, const char *suffix,
                             store_layer_convert_fn convert, struct store_made *made, char **path_out,
                             struct error **err);

/* bundle_refs.c: bundles whose rootfs the runtime mounts from cached layer
 * dirs (a user's overlay), or that mount erofs images from their files, are
 * not mounts gc could see, so each one leaves bundles/<sha256 of its path>:
 * the path, then the dirs or images it uses. A ref
 * counts while BUNDLE/record exists (record: the bundle's own file).
 * durable: fsync'ed; a ref that only matters while a mount lives (which no
 * crash leaves) need not be. */
int store_bundle_ref_add(struct store *s, const char *bundle, const char *record, char *const *dirs, bool durable,
                         struct error **err);
/* Is dir used by a live bundle? Refs of bundles gone are removed. */
bool store_bundle_refs_use(struct store *s, const char *dir);

/* Drop blobs and cached layers no tagged image reaches. */
int store_gc(struct store *s, uint64_t *freed_bytes, size_t *freed_blobs, struct error **err);

#endif
