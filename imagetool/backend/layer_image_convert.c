/* A layer blob to a layer image (squashfs or erofs) in one pass: the layer
 * stream (decompressed and hashed on its own thread) is read entry by entry;
 * file data goes straight to the image's writer, every entry into the tree; whiteouts and
 * opaque directories take overlayfs' form (0:0 character devices,
 * trusted.overlay.opaque=y); trusted.overlay.* from the tar is dropped.
 * Entry names are cleaned as for extraction (layer/path.c): nothing can name
 * a place outside the image. */
#include "imagetool/backend/layer_image_convert.h"
#include "imagetool/backend/layer_image.h"

#include <archive.h>
#include <archive_entry.h>
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/backend/layer_image_tree.h"
#include "imagetool/layer/internal.h"

#define WH_PREFIX ".wh."
#define WH_META_PREFIX ".wh..wh."
#define WH_OPAQUE ".wh..wh..opq"

struct conv {
    struct sq_tree tree;
    const struct image_format *f;
    void *w;
    struct layer_path path, aux;
    struct layer_below *below; /* the layers below, or NULL */
    uint32_t now;
    bool warned_xattr;
};

static uint32_t clamp32(int64_t v)
{
    return v < 0 ? 0 : v > UINT32_MAX ? UINT32_MAX : (uint32_t)v;
}

/* The kernel's encoding of a device number in a squashfs or erofs inode. */
static uint32_t devno(struct archive_entry *e)
{
    uint32_t maj = (uint32_t)archive_entry_rdevmajor(e), min = (uint32_t)archive_entry_rdevminor(e);
    return (min & 0xff) | (maj << 8) | ((min & ~0xffu) << 12);
}

static bool xattr_kept(struct conv *c, const char *name, uint32_t mode)
{
    if (layer_xattr_reserved(name))
        return false;
    bool user = strncmp(name, "user.", 5) == 0;
    if ((user && (S_ISREG(mode) || S_ISDIR(mode))) || strncmp(name, "trusted.", 8) == 0 ||
        strncmp(name, "security.", 9) == 0)
        return true;
    if (!c->warned_xattr)
        log_warn("xattr %s not kept: unsupported here (further such warnings suppressed)", name);
    c->warned_xattr = true;
    return false;
}

static struct sq_inode *inode_of(struct conv *c, struct archive_entry *e, uint32_t type)
{
    struct sq_inode *ino = sq_inode_new(&c->tree, type | (archive_entry_perm(e) & 07777),
                                        clamp32(archive_entry_mtime(e)));
    ino->uid = clamp32(archive_entry_uid(e));
    ino->gid = clamp32(archive_entry_gid(e));
    const char *name;
    const void *value;
    size_t size;
    if (archive_entry_xattr_reset(e) > 0)
        while (archive_entry_xattr_next(e, &name, &value, &size) == ARCHIVE_OK)
            if (xattr_kept(c, name, type))
                sq_inode_add_xattr(ino, name, value, size);
    return ino;
}

/* The directory p->comp[0..n): missing ones are made (0755, 0:0) as
 * extraction makes them; a symlink or a file on the way is refused. */
static int resolve(struct conv *c, const struct layer_path *p, size_t n, bool create, struct sq_node **out,
                   struct error **err)
{
    struct sq_node *d = c->tree.root;
    for (size_t i = 0; i < n; i++) {
        struct sq_node *next = sq_tree_child(&c->tree, d, p->comp[i]);
        if (next == NULL && create)
            next = sq_tree_put(&c->tree, d, p->comp[i], sq_inode_new(&c->tree, S_IFDIR | 0755, c->now));
        if (next == NULL || !S_ISDIR(next->ino->mode)) {
            CLEANUP_FREE char *dir = layer_path_join(p, i + 1);
            return error_setc(err, EXIT_INVALID, 0, "parent directory %s: %s", dir,
                              next ? "not a directory in this layer" : "missing");
        }
        d = next;
    }
    *out = d;
    return 0;
}

static int whiteout(struct conv *c, struct sq_node *dir, const char *wh, struct archive_entry *e,
                    struct error **err)
{
    if (strcmp(wh, WH_OPAQUE) == 0) {
        dir->ino->opaque = true;
        return 0;
    }
    if (strncmp(wh, WH_META_PREFIX, strlen(WH_META_PREFIX)) == 0)
        return 0; /* aufs bookkeeping (.wh..wh.plnk and the like) */
    const char *name = wh + strlen(WH_PREFIX);
    if (*name == '\0' || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
        return error_setc(err, EXIT_INVALID, 0, "whiteout of an invalid name");
    struct sq_inode *ino = sq_inode_new(&c->tree, S_IFCHR, clamp32(archive_entry_mtime(e)));
    sq_tree_put(&c->tree, dir, name, ino);
    return 0;
}

static int hardlink(struct conv *c, struct sq_node *dir, const char *name, const char *link, struct error **err)
{
    layer_path_set(&c->aux, link);
    if (c->aux.n == 0)
        return error_setc(err, EXIT_INVALID, 0, "hardlink to the root");
    struct sq_node *tdir, *target = NULL;
    if (resolve(c, &c->aux, c->aux.n - 1, false, &tdir, err) == 0)
        target = sq_tree_child(&c->tree, tdir, c->aux.comp[c->aux.n - 1]);
    CLEANUP_FREE char *src = layer_path_join(&c->aux, c->aux.n);
    if (target == NULL || S_ISDIR(target->ino->mode)) {
        error_free(TAKE_PTR(*err));
        return error_setc(err, EXIT_INVALID, 0, "hardlink target %s: %s in this layer", src,
                          target ? "a directory" : "not");
    }
    if (target->parent != dir || strcmp(target->name, name) != 0)
        sq_tree_put(&c->tree, dir, name, target->ino);
    return 0;
}

/* Holes of a sparse entry are written as zeros; the block processor stores
 * all-zero blocks as sparse again. */
static int append_zeros(struct conv *c, int64_t n, struct error **err)
{
    static const char zero[64 * 1024];
    while (n > 0) {
        size_t len = n < (int64_t)sizeof(zero) ? (size_t)n : sizeof(zero);
        if (c->f->file_append(c->w, zero, len, err) < 0)
            return -1;
        n -= (int64_t)len;
    }
    return 0;
}

static int file_data(struct conv *c, struct archive *a, struct archive_entry *e, struct sq_inode *ino,
                     struct error **err)
{
    if (c->f->file_begin(c->w, ino, err) < 0)
        return -1;
    int64_t pos = 0;
    for (;;) {
        const void *buf;
        size_t size;
        la_int64_t offset;
        int r = archive_read_data_block(a, &buf, &size, &offset);
        if (r == ARCHIVE_EOF)
            break;
        if (r != ARCHIVE_OK && r != ARCHIVE_WARN)
            return error_setc(err, EXIT_INVALID, 0, "read: %s", archive_error_string(a));
        if (append_zeros(c, offset - pos, err) < 0 || (size && c->f->file_append(c->w, buf, size, err) < 0))
            return -1;
        pos = offset + (int64_t)size;
    }
    if (append_zeros(c, archive_entry_size(e) - pos, err) < 0)
        return -1;
    return c->f->file_end(c->w, err);
}

static int node(struct conv *c, struct archive *a, struct archive_entry *e, struct sq_node *dir, const char *name,
                struct error **err)
{
    struct sq_inode *ino;
    switch (archive_entry_filetype(e)) {
    case AE_IFREG:
        ino = inode_of(c, e, S_IFREG);
        if (file_data(c, a, e, ino, err) < 0)
            return -1;
        break;
    case AE_IFDIR: ino = inode_of(c, e, S_IFDIR); break;
    case AE_IFLNK: {
        const char *target = archive_entry_symlink(e);
        if (target == NULL)
            target = archive_entry_symlink_utf8(e);
        if (target == NULL || *target == '\0')
            return error_setc(err, EXIT_INVALID, 0, "symlink without a target");
        ino = inode_of(c, e, S_IFLNK);
        ino->mode = S_IFLNK | 0777; /* as symlinks always are on Linux */
        ino->target = xstrdup(target);
        break;
    }
    case AE_IFCHR:
    case AE_IFBLK:
        ino = inode_of(c, e, archive_entry_filetype(e) == AE_IFCHR ? S_IFCHR : S_IFBLK);
        ino->devno = devno(e);
        break;
    case AE_IFIFO: ino = inode_of(c, e, S_IFIFO); break;
    default: return error_setc(err, EXIT_INVALID, 0, "unsupported entry type %o", archive_entry_filetype(e));
    }
    sq_tree_put(&c->tree, dir, name, ino);
    return 0;
}

/* The "./" entry: the image's root directory. */
static void root_entry(struct conv *c, struct archive_entry *e)
{
    if (archive_entry_filetype(e) != AE_IFDIR)
        return;
    struct sq_inode *ino = inode_of(c, e, S_IFDIR);
    struct sq_inode *root = c->tree.root->ino;
    root->mode = ino->mode;
    root->uid = ino->uid;
    root->gid = ino->gid;
    root->mtime = ino->mtime;
    for (size_t i = 0; i < ino->n_xattrs; i++)
        sq_inode_add_xattr(root, ino->xattrs[i].key, ino->xattrs[i].value, ino->xattrs[i].size);
}

static unsigned own_type(void *opaque, const struct layer_path *p, size_t n)
{
    struct conv *c = opaque;
    struct sq_node *node = c->tree.root;
    for (size_t i = 0; node && i < n; i++)
        node = S_ISDIR(node->ino->mode) ? sq_tree_child(&c->tree, node, p->comp[i]) : NULL;
    return node ? node->ino->mode & S_IFMT : 0;
}

static int entry(void *arg, struct archive *a, struct archive_entry *e, struct error **err)
{
    struct conv *c = arg;
    const char *name = archive_entry_pathname(e);
    if (name == NULL)
        name = archive_entry_pathname_utf8(e);
    if (name == NULL)
        return error_setc(err, EXIT_INVALID, 0, "entry without a name");
    layer_path_set(&c->path, name);
    if (layer_path_check_names(&c->path, err) < 0) {
        CLEANUP_FREE char *shown = layer_short_name(name);
        return error_prefix(err, "%s", shown);
    }
    if (layer_is_aufs_meta(&c->path))
        return 0;
    if (c->below && layer_below_rewrite(c->below, &c->path, own_type, c, err) < 0)
        return -1;
    if (c->path.n == 0) {
        root_entry(c, e);
        return 0;
    }
    struct sq_node *dir;
    const char *base = c->path.comp[c->path.n - 1];
    int r = resolve(c, &c->path, c->path.n - 1, true, &dir, err);
    if (r == 0 && layer_is_whiteout(base)) {
        r = whiteout(c, dir, base, e, err);
    } else if (r == 0) {
        const char *link = archive_entry_hardlink(e);
        if (link == NULL)
            link = archive_entry_hardlink_utf8(e);
        r = link ? hardlink(c, dir, base, link, err) : node(c, a, e, dir, base, err);
    }
    if (r < 0) {
        CLEANUP_FREE char *shown = layer_short_name(name);
        return error_prefix(err, "%s", shown);
    }
    return 0;
}

int layer_image_from_layer(const struct image_format *f, int blob_fd, const char *diff_id,
                           struct layer_below *below, const char *image, struct error **err)
{
    if (diff_id && !digest_is_valid(diff_id))
        return error_setc(err, EXIT_INVALID, 0, "invalid diff_id %s", diff_id);
    struct layer_stream *s = NULL;
    if (layer_stream_open(blob_fd, &s, err) < 0)
        return -1;
    struct conv c = { .now = clamp32(time(NULL)), .below = below, .f = f };
    sq_tree_init(&c.tree, c.now);
    c.tree.free_file = f->free_file;
    int rc = f->open(image, &c.w, err);
    if (rc == 0)
        rc = layer_stream_each_entry(s, entry, &c, err);
    if (rc == 0)
        rc = layer_stream_check_diff_id(s, diff_id, err);
    if (rc == 0)
        rc = f->finish(c.w, &c.tree, err);
    if (c.w)
        f->free(c.w);
    sq_tree_free(&c.tree);
    layer_path_free(&c.path);
    layer_path_free(&c.aux);
    layer_stream_free(s);
    return rc;
}

int squashfs_from_layer(int blob_fd, const char *diff_id, struct layer_below *below, const char *path,
                        struct error **err)
{
    return layer_image_from_layer(&image_format_squashfs, blob_fd, diff_id, below, path, err);
}

int erofs_from_layer(int blob_fd, const char *diff_id, struct layer_below *below, const char *path,
                     struct error **err)
{
    return layer_image_from_layer(&image_format_erofs, blob_fd, diff_id, below, path, err);
}
