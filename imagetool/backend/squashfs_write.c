/* A squashfs image from a tree with libsquashfs. Layout, as mksquashfs and
 * tar2sqfs write it: superblock, compressor options, data and fragment
 * blocks, inode table, directory table, fragment, id and xattr tables,
 * padding to 4 KiB. Inodes are numbered and written children first, so a
 * directory's entries can name their inodes' places in the table. */
#include "imagetool/backend/layer_image_convert.h"

#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <sqfs/block.h>
#include <sqfs/block_processor.h>
#include <sqfs/block_writer.h>
#include <sqfs/compressor.h>
#include <sqfs/dir_writer.h>
#include <sqfs/error.h>
#include <sqfs/frag_table.h>
#include <sqfs/id_table.h>
#include <sqfs/inode.h>
#include <sqfs/io.h>
#include <sqfs/meta_writer.h>
#include <sqfs/super.h>
#include <sqfs/xattr_writer.h>

#include "common/xalloc.h"

#define SQ_BLOCK_SIZE SQFS_DEFAULT_BLOCK_SIZE
/* libsquashfs' serial block processor (0 workers): each layer's stream is
 * already inflated and hashed on a thread of its own, and handing every
 * block and fragment to worker threads cost more in wake-ups than it won
 * (bench/unpack.sh's large image: 0.96 s against 1.15 s, medians of 5). */
#define SQ_WORKERS 0
#define SQ_BACKLOG 32
#define SQ_NO_XATTR 0xFFFFFFFFu
/* lz4: fast to write and to read back; see specs/bundle.md for the numbers */
#define SQ_COMPRESSOR SQFS_COMP_LZ4

struct sq_writer {
    sqfs_file_t *file;
    sqfs_compressor_t *cmp, *uncmp;
    sqfs_block_writer_t *blocks;
    sqfs_frag_table_t *frags;
    sqfs_block_processor_t *proc;
    sqfs_id_table_t *ids;
    sqfs_xattr_writer_t *xattrs;
    sqfs_meta_writer_t *im, *dm;
    sqfs_dir_writer_t *dirw;
    sqfs_super_t super;
    bool finished; /* the block processor is done */
};

static const char *sq_strerror(int r)
{
    switch (r) {
    case SQFS_ERROR_ALLOC: return "out of memory";
    case SQFS_ERROR_IO: return "I/O error";
    case SQFS_ERROR_COMPRESSOR: return "compressor failed";
    case SQFS_ERROR_OVERFLOW: return "too large";
    case SQFS_ERROR_UNSUPPORTED: return "unsupported";
    default: return "internal error";
    }
}

static int sq_fail(struct error **err, int r, const char *what)
{
    return error_setc(err, EXIT_FAIL, r == SQFS_ERROR_IO ? errno : 0, "squashfs: %s: %s (%d)", what,
                      sq_strerror(r), r);
}

static void sq_writer_free_inode(struct sqfs_inode_generic_t *inode)
{
    sqfs_free(inode);
}

static int make_compressors(struct sq_writer *w, struct error **err)
{
    sqfs_compressor_config_t cfg;
    int r = sqfs_compressor_config_init(&cfg, SQ_COMPRESSOR, SQ_BLOCK_SIZE, 0);
    if (r == 0)
        r = sqfs_compressor_create(&cfg, &w->cmp);
    if (r == 0 && (r = sqfs_compressor_config_init(&cfg, SQ_COMPRESSOR, SQ_BLOCK_SIZE,
                                                   SQFS_COMP_FLAG_UNCOMPRESS)) == 0)
        r = sqfs_compressor_create(&cfg, &w->uncmp);
    return r < 0 ? sq_fail(err, r, "compressor") : 0;
}

static int make_processor(struct sq_writer *w, struct error **err)
{
    w->blocks = sqfs_block_writer_create(w->file, SQFS_DEVBLK_SIZE, 0);
    w->frags = sqfs_frag_table_create(0);
    w->ids = sqfs_id_table_create(0);
    w->xattrs = sqfs_xattr_writer_create(0);
    if (!w->blocks || !w->frags || !w->ids || !w->xattrs)
        return sq_fail(err, SQFS_ERROR_ALLOC, "tables");
    sqfs_block_processor_desc_t desc = {
        .size = sizeof(desc),
        .max_block_size = SQ_BLOCK_SIZE,
        .num_workers = SQ_WORKERS,
        .max_backlog = SQ_BACKLOG,
        .cmp = w->cmp,
        .wr = w->blocks,
        .tbl = w->frags,
        .file = w->file,   /* deduplication reads candidates back: no trust in hashes alone */
        .uncmp = w->uncmp,
    };
    int r = sqfs_block_processor_create_ex(&desc, &w->proc);
    return r < 0 ? sq_fail(err, r, "block processor") : 0;
}

static int sq_writer_open(const char *path, void **out, struct error **err)
{
    struct sq_writer *w = xcalloc(1, sizeof(*w));
    *out = w;
    w->file = sqfs_open_file(path, SQFS_FILE_OPEN_OVERWRITE);
    if (w->file == NULL)
        return error_set(err, errno, "create %s", path);
    if (make_compressors(w, err) < 0)
        return -1;
    int r = sqfs_super_init(&w->super, SQ_BLOCK_SIZE, 0, SQ_COMPRESSOR);
    if (r == 0)
        r = sqfs_super_write(&w->super, w->file);
    if (r < 0)
        return sq_fail(err, r, "superblock");
    r = w->cmp->write_options(w->cmp, w->file);
    if (r < 0)
        return sq_fail(err, r, "compressor options");
    if (r > 0)
        w->super.flags |= SQFS_FLAG_COMPRESSOR_OPTIONS;
    return make_processor(w, err);
}

static int sq_writer_file_begin(void *any, struct sq_inode *ino, struct error **err)
{
    struct sq_writer *w = any;
    int r = sqfs_block_processor_begin_file(w->proc, &ino->file, NULL, 0);
    return r < 0 ? sq_fail(err, r, "file") : 0;
}

static int sq_writer_file_append(void *any, const void *buf, size_t len, struct error **err)
{
    struct sq_writer *w = any;
    int r = sqfs_block_processor_append(w->proc, buf, len);
    return r < 0 ? sq_fail(err, r, "file data") : 0;
}

static int sq_writer_file_end(void *any, struct error **err)
{
    struct sq_writer *w = any;
    int r = sqfs_block_processor_end_file(w->proc);
    return r < 0 ? sq_fail(err, r, "file end") : 0;
}

/* ---- the tree's tables */

/* Post-order, as the inodes are written; a hard-linked inode once. */
static void number(struct sq_node *dir, uint32_t *next)
{
    sq_node_sort(dir);
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_node *c = dir->child[i];
        if (S_ISDIR(c->ino->mode))
            number(c, next);
        else if (c->ino->number == 0)
            c->ino->number = ++*next;
    }
    dir->ino->number = ++*next;
}

static int xattr_index(struct sq_writer *w, const struct sq_inode *ino, uint32_t *idx, struct error **err)
{
    *idx = SQ_NO_XATTR;
    if (ino->n_xattrs == 0 && !ino->opaque)
        return 0;
    int r = sqfs_xattr_writer_begin(w->xattrs, 0);
    for (size_t i = 0; r == 0 && i < ino->n_xattrs; i++) {
        r = sqfs_xattr_writer_add(w->xattrs, ino->xattrs[i].key, ino->xattrs[i].value, ino->xattrs[i].size);
        if (r < 0)
            return sq_fail(err, r, ino->xattrs[i].key);
    }
    if (r == 0 && ino->opaque)
        r = sqfs_xattr_writer_add(w->xattrs, "trusted.overlay.opaque", "y", 1);
    if (r == 0)
        r = sqfs_xattr_writer_end(w->xattrs, idx);
    return r < 0 ? sq_fail(err, r, "xattrs") : 0;
}

static int fill_base(struct sq_writer *w, sqfs_inode_generic_t *n, const struct sq_inode *ino, struct error **err)
{
    n->base.mode = (sqfs_u16)ino->mode;
    n->base.mod_time = ino->mtime;
    n->base.inode_number = ino->number;
    int r = sqfs_id_table_id_to_index(w->ids, ino->uid, &n->base.uid_idx);
    if (r == 0)
        r = sqfs_id_table_id_to_index(w->ids, ino->gid, &n->base.gid_idx);
    return r < 0 ? sq_fail(err, r, "id table") : 0;
}

static int put_inode(struct sq_writer *w, const sqfs_inode_generic_t *n, struct sq_inode *ino, struct error **err)
{
    sqfs_u64 block;
    sqfs_u32 offset;
    sqfs_meta_writer_get_position(w->im, &block, &offset);
    ino->ref = (block << 16) | offset;
    ino->written = true;
    int r = sqfs_meta_writer_write_inode(w->im, n);
    return r < 0 ? sq_fail(err, r, "inode table") : 0;
}

/* Symlinks, devices, fifos and sockets: the whole inode is ours to make. */
static sqfs_inode_generic_t *special_inode(const struct sq_inode *ino)
{
    size_t extra = ino->target ? strlen(ino->target) : 0;
    sqfs_inode_generic_t *n = xcalloc(1, sizeof(*n) + extra);
    switch (ino->mode & S_IFMT) {
    case S_IFLNK:
        n->base.type = SQFS_INODE_SLINK;
        n->data.slink.nlink = ino->refs;
        n->data.slink.target_size = (sqfs_u32)extra;
        memcpy(n->extra, ino->target, extra);
        n->payload_bytes_available = n->payload_bytes_used = (sqfs_u32)extra;
        break;
    case S_IFCHR:
    case S_IFBLK:
        n->base.type = S_ISCHR(ino->mode) ? SQFS_INODE_CDEV : SQFS_INODE_BDEV;
        n->data.dev.nlink = ino->refs;
        n->data.dev.devno = ino->devno;
        break;
    default:
        n->base.type = S_ISFIFO(ino->mode) ? SQFS_INODE_FIFO : SQFS_INODE_SOCKET;
        n->data.ipc.nlink = ino->refs;
        break;
    }
    return n;
}

static int write_leaf(struct sq_writer *w, struct sq_inode *ino, struct error **err)
{
    bool file = S_ISREG(ino->mode);
    sqfs_inode_generic_t *n = file ? ino->file : special_inode(ino);
    uint32_t xattr;
    int r = fill_base(w, n, ino, err);
    if (r == 0)
        r = xattr_index(w, ino, &xattr, err);
    if (r == 0 && xattr != SQ_NO_XATTR && (r = sqfs_inode_set_xattr_index(n, xattr)) < 0)
        r = sq_fail(err, r, "xattr index");
    if (r == 0 && file && ino->refs > 1) {
        sqfs_inode_make_extended(n);
        n->data.file_ext.nlink = ino->refs;
    }
    if (r == 0)
        r = put_inode(w, n, ino, err);
    if (!file)
        free(n);
    return r;
}

static int write_entries(struct sq_writer *w, const struct sq_node *dir, struct error **err)
{
    int r = sqfs_dir_writer_begin(w->dirw, 0);
    for (size_t i = 0; r == 0 && i < dir->n_child; i++) {
        const struct sq_node *c = dir->child[i];
        r = sqfs_dir_writer_add_entry(w->dirw, c->name, c->ino->number, c->ino->ref, (sqfs_u16)c->ino->mode);
    }
    if (r == 0)
        r = sqfs_dir_writer_end(w->dirw);
    return r < 0 ? sq_fail(err, r, "directory table") : 0;
}

static int write_dir(struct sq_writer *w, struct sq_node *dir, uint32_t parent_number, struct error **err)
{
    size_t subdirs = 0;
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_node *c = dir->child[i];
        int r = 0;
        if (S_ISDIR(c->ino->mode)) {
            subdirs++;
            r = write_dir(w, c, dir->ino->number, err);
        } else if (!c->ino->written) {
            r = write_leaf(w, c->ino, err);
        }
        if (r < 0)
            return -1;
    }
    uint32_t xattr;
    if (write_entries(w, dir, err) < 0 || xattr_index(w, dir->ino, &xattr, err) < 0)
        return -1;
    sqfs_inode_generic_t *n = sqfs_dir_writer_create_inode(w->dirw, subdirs + 2, xattr, parent_number);
    if (n == NULL)
        return sq_fail(err, SQFS_ERROR_ALLOC, "directory inode");
    int r = fill_base(w, n, dir->ino, err);
    if (r == 0)
        r = put_inode(w, n, dir->ino, err);
    sqfs_free(n);
    return r;
}

static int write_tree(struct sq_writer *w, struct sq_tree *t, struct error **err)
{
    uint32_t count = 0;
    number(t->root, &count);
    w->super.inode_count = count;
    w->im = sqfs_meta_writer_create(w->file, w->cmp, 0);
    w->dm = sqfs_meta_writer_create(w->file, w->cmp, SQFS_META_WRITER_KEEP_IN_MEMORY);
    w->dirw = w->dm ? sqfs_dir_writer_create(w->dm, 0) : NULL;
    if (!w->im || !w->dirw)
        return sq_fail(err, SQFS_ERROR_ALLOC, "tables");
    w->super.inode_table_start = w->file->get_size(w->file);
    if (write_dir(w, t->root, count + 1, err) < 0)
        return -1;
    w->super.root_inode_ref = t->root->ino->ref;
    int r = sqfs_meta_writer_flush(w->im);
    if (r == 0)
        r = sqfs_meta_writer_flush(w->dm);
    w->super.directory_table_start = w->file->get_size(w->file);
    if (r == 0)
        r = sqfs_meta_write_write_to_file(w->dm);
    return r < 0 ? sq_fail(err, r, "inode and directory tables") : 0;
}

static int pad(struct sq_writer *w, struct error **err)
{
    static const char zero[SQFS_DEVBLK_SIZE];
    sqfs_u64 size = w->file->get_size(w->file);
    size_t rest = size % SQFS_DEVBLK_SIZE;
    int r = rest ? w->file->write_at(w->file, size, zero, SQFS_DEVBLK_SIZE - rest) : 0;
    return r < 0 ? sq_fail(err, r, "padding") : 0;
}

static int sq_writer_finish(void *any, struct sq_tree *t, struct error **err)
{
    struct sq_writer *w = any;
    int r = sqfs_block_processor_finish(w->proc);
    w->finished = true;
    if (r < 0)
        return sq_fail(err, r, "data blocks");
    if (write_tree(w, t, err) < 0)
        return -1;
    if ((r = sqfs_frag_table_write(w->frags, w->file, &w->super, w->cmp)) < 0)
        return sq_fail(err, r, "fragment table");
    if ((r = sqfs_id_table_write(w->ids, w->file, &w->super, w->cmp)) < 0)
        return sq_fail(err, r, "id table");
    if ((r = sqfs_xattr_writer_flush(w->xattrs, w->file, &w->super, w->cmp)) < 0)
        return sq_fail(err, r, "xattr table");
    w->super.bytes_used = w->file->get_size(w->file);
    if ((r = sqfs_super_write(&w->super, w->file)) < 0)
        return sq_fail(err, r, "superblock");
    return pad(w, err);
}

static void sq_writer_free(void *any)
{
    struct sq_writer *w = any;
    if (w == NULL)
        return;
    /* A processor destroyed with a block in flight leaks it: drain it first
     * (into the temp image, which the caller removes). */
    if (w->proc && !w->finished)
        sqfs_block_processor_finish(w->proc);
    sqfs_destroy(w->proc); /* first: its workers use the rest */
    sqfs_destroy(w->dirw);
    sqfs_destroy(w->dm);
    sqfs_destroy(w->im);
    sqfs_destroy(w->xattrs);
    sqfs_destroy(w->ids);
    sqfs_destroy(w->frags);
    sqfs_destroy(w->blocks);
    sqfs_destroy(w->uncmp);
    sqfs_destroy(w->cmp);
    sqfs_destroy(w->file);
    free(w);
}

const struct image_format image_format_squashfs = {
    .open = sq_writer_open,
    .file_begin = sq_writer_file_begin,
    .file_append = sq_writer_file_append,
    .file_end = sq_writer_file_end,
    .finish = sq_writer_finish,
    .free = sq_writer_free,
    .free_file = sq_writer_free_inode,
};
