/* What the store's files share: the handle and the on-disk names. */
#ifndef IMAGETOOL_STORE_PRIVATE_H
#define IMAGETOOL_STORE_PRIVATE_H

#include "imagetool/store/store.h"

enum store_lock_mode { STORE_UNLOCKED, STORE_SHARED, STORE_EXCLUSIVE };

struct store {
    char *root;
    int lock_fd;                /* <root>/lock, held open while locked */
    enum store_lock_mode lock;
    struct store_batch *batch; /* blobs waiting for the import's one flush */
    store_blob_watch_fn watch; /* told of each blob store_blob_open opens */
    void *watch_ctx;
    bool blobs_linked;          /* a blob was linked in by name since the last sync of blobs/ */
};

#define STORE_BLOBS_DIR "blobs/sha256"
#define STORE_LAYERS_DIR "layers"
#define STORE_IMAGES_DIR "images"
#define STORE_TMP_DIR "tmp"
#define STORE_INDEX "index.json"
#define STORE_INDEX_LOCK "index.lock"
#define STORE_LOCK "lock"
#define REF_NAME_ANNOTATION "org.opencontainers.image.ref.name"

/* "<root>/<rel>" */
char *store_path(const struct store *s, const char *rel);
/* Take the shared lock unless some lock is already held. */
int store_lock_shared_once(struct store *s, struct error **err);
/* fsync a directory under the root (blobs before index.json names them). */
void store_sync_dir(const struct store *s, const char *rel);

/* blob_batch.c: verified blobs waiting under their temp names (tmp is
 * taken), found by digest, published by one flush (syncfs, renames, fsync
 * of blobs/sha256); free discards what was not flushed. */
void store_batch_add(struct store *s, char *tmp, const char *digest);
char *store_batch_find(const struct store *s, const char *digest);
int store_batch_flush(struct store *s, struct error **err);
void store_batch_free(struct store *s);

/* A source string with its path made absolute, or NULL. */
char *store_source_canonical(const char *name);

/* index.json as a list of entries (store_image), read and written whole. */
int store_index_read(const struct store *s, struct store_image **out, size_t *n, struct error **err);
int store_index_write(const struct store *s, const struct store_image *imgs, size_t n, struct error **err);

#endif
