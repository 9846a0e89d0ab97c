/* Private pieces of layer_apply: the decompress-and-hash stream, entry path
 * cleaning, the cache of resolved parent directories, the set of paths a
 * layer carries (for opaque dirs), entry creation and whiteouts. */
#ifndef IMAGETOOL_LAYER_INTERNAL_H
#define IMAGETOOL_LAYER_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "common/digest.h"
#include "common/error.h"
#include "imagetool/layer/layer.h"

struct archive;
struct archive_entry;

/* ---- stream.c: blob -> (any filter) -> tar bytes, hashed as they pass */
struct layer_stream;
int layer_stream_open(int blob_fd, struct layer_stream **out, struct error **err);
/* The tar reader fed by the stream. */
struct archive *layer_stream_tar(struct layer_stream *s);
/* Hash what is left after the tar's end and give the digest of the whole
 * uncompressed stream. */
int layer_stream_finish(struct layer_stream *s, char digest[DIGEST_STR_LEN + 1], struct error **err);
/* The decompressor's error, if the failure came from there (else NULL). */
const char *layer_stream_filter_error(struct layer_stream *s);
/* The filter error is the decompressed-size limit (IMAGETOOL_MAX_LAYER_SIZE). */
bool layer_stream_too_large(struct layer_stream *s);
void layer_stream_free(struct layer_stream *s);

/* ---- stream_entries.c */
typedef int (*layer_entry_fn)(void *arg, struct archive *a, struct archive_entry *e, struct error **err);
/* Every tar entry through fn; a failure caused by the decompressor is
 * reported as the decompressor's. */
int layer_stream_each_entry(struct layer_stream *s, layer_entry_fn fn, void *arg, struct error **err);
/* Finish the stream; its digest must be diff_id (NULL: no check). */
int layer_stream_check_diff_id(struct layer_stream *s, const char *diff_id, struct error **err);

/* ---- path.c: entry names as clean component lists */
struct layer_path {
    char *buf;     /* components, NUL-separated */
    char **comp;
    size_t n;      /* 0: the target itself */
    size_t cap;
};
/* Clean an entry name as if the target were "/": empty and "." components
 * go, ".." pops (and stops at the top). */
void layer_path_set(struct layer_path *p, const char *name);
/* "a/b/c" of the first n components (caller frees). */
char *layer_path_join(const struct layer_path *p, size_t n);
void layer_path_free(struct layer_path *p);
/* Every component within NAME_MAX, else EXIT_INVALID naming its size. */
int layer_path_check_names(const struct layer_path *p, struct error **err);
/* An entry name for a message: a long one cut in the middle, so that a
 * hostile 5000-byte path still gives a one-line message (caller frees). */
char *layer_short_name(const char *name);

/* Open O_PATH fds of the directories of the current entry's parent chain.
 * Entries come mostly in tree order, so the next entry usually shares most
 * of the chain. Every component is opened with O_NOFOLLOW from its resolved
 * parent; only a symlinked component is resolved again from the target with
 * RESOLVE_IN_ROOT, so nothing ever resolves outside the target. */
struct dir_cache {
    int rootfd;
    bool root_setgid;
    size_t depth, cap;
    char **name;
    int *fd;
    bool *setgid;  /* new entries in it take its group */
};
void dir_cache_init(struct dir_cache *c, int rootfd);
/* fd (borrowed) of the directory p->comp[0..n). create: make missing
 * components (0755). -1 with errno on failure. */
int dir_cache_resolve(struct dir_cache *c, const struct layer_path *p, size_t n, bool create);
void dir_cache_clear(struct dir_cache *c);
/* Whether the directory p->comp[0..n) just resolved is set-group-ID. */
bool dir_cache_setgid(const struct dir_cache *c, size_t n);

/* ---- pathset.c: the paths (and their ancestors) one layer carries */
struct path_set;
struct path_set *path_set_new(void);
/* Adds path and every ancestor of it. */
void path_set_add(struct path_set *s, const char *path);
bool path_set_has(const struct path_set *s, const char *path);
void path_set_free(struct path_set *s);

/* ---- below.c: parents resolved against the layers below (layer.h) */
/* The file type (S_IFDIR, ...) of the first n components of p in the
 * layer's own tree so far, 0 when missing. */
typedef unsigned (*layer_own_type_fn)(void *own, const struct layer_path *p, size_t n);
/* Rewrite p when a parent the layer does not carry is a symlink below. */
int layer_below_rewrite(struct layer_below *b, struct layer_path *p, layer_own_type_fn own_type, void *own,
                        struct error **err);

/* ---- shared state of one layer_apply */
struct dir_time {
    char *path;
    struct timespec ts[2];
};

struct layer_ctx {
    int rootfd;
    enum whiteout_mode mode;
    bool privileged;          /* euid 0: owners and trusted.* xattrs are set */
    struct layer_rootless *rootless; /* not root: directory modes to restore */
    struct layer_below *below;       /* a layer cache's lower layers, or NULL */
    bool parent_setgid;       /* the current entry's parent dir is set-group-ID */
    struct dir_cache dirs;
    struct layer_path path;   /* the current entry */
    struct layer_path aux;    /* a hardlink's target, a fixup's dir */
    struct path_set *seen;    /* WHITEOUT_APPLY: what this layer carries */
    struct dir_time *dir_times;
    size_t n_dir_times, cap_dir_times;
    bool warned_xattr;
    bool warned_mknod;
    bool warned_owner;
    size_t max_depth;         /* deepest entry path: the open-file limit allows one fd per level */
};

/* ---- entry.c */
int layer_entry_apply(struct layer_ctx *ctx, struct archive *a, struct archive_entry *e,
                      struct error **err);
/* Remove whatever is at pfd/name (a tree for a dir). Missing is fine. */
int layer_remove_at(int pfd, const char *name, struct error **err);

/* ---- meta.c: owners, modes, times, xattrs */
void layer_entry_times(struct archive_entry *e, struct timespec ts[2]);
int layer_set_xattrs_fd(struct layer_ctx *ctx, int fd, struct archive_entry *e, struct error **err);
int layer_set_xattrs_at(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                        struct error **err);
/* A new inode already has the entry's owner (0:0, made by root in a dir
 * that is not set-group-ID): chown can be skipped. */
bool layer_owner_is_default(const struct layer_ctx *ctx, struct archive_entry *e);
int layer_chown_fd(struct layer_ctx *ctx, int fd, struct archive_entry *e, struct error **err);
int layer_chown_at(struct layer_ctx *ctx, int pfd, const char *name, struct archive_entry *e,
                   struct error **err);
/* Remember a directory's times: set after the whole layer, when nothing
 * more is written into it. */
void layer_defer_dir_time(struct layer_ctx *ctx, const char *path, struct archive_entry *e);
int layer_fix_dir_times(struct layer_ctx *ctx, struct error **err);

/* ---- rootless.c: owners of an unprivileged unpack */
#define ROOTLESS_XATTR_MAX 12
size_t layer_rootless_encode(uint32_t uid, uint32_t gid, uint8_t out[ROOTLESS_XATTR_MAX]);
/* Record uid:gid in user.rootlesscontainers (0:0: remove it). */
int layer_rootless_owner_fd(struct layer_ctx *ctx, int fd, uint32_t uid, uint32_t gid, struct error **err);
void layer_rootless_dir(struct layer_rootless *r, const char *path, mode_t mode);

/* ---- whiteout.c */
bool layer_is_whiteout(const char *name);
/* Inside aufs' top-level metadata dirs (/.wh..wh.plnk/...): not content. */
bool layer_is_aufs_meta(const struct layer_path *p);
int layer_whiteout_apply(struct layer_ctx *ctx, struct archive_entry *e, struct error **err);

#endif
