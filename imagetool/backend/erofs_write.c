/* Writing one erofs image while a layer's tar streams, uncompressed.
 * File order:
 *   block 0      superblock at 1024, the root's inode at 1152 (nid 36),
 *                both written last
 *   then         as the tar streams: each regular file's whole blocks,
 *                contiguous, and between files "packs": blocks of file
 *                inodes (with their xattrs) each followed by its file's last
 *                partial block (flat inline layout), so a small file costs
 *                its bytes, not a block
 *   then         the whole blocks of directories and symlinks too big to
 *                inline
 *   then         the metadata area: the other inodes (directories,
 *                symlinks, devices, fifos, files whose xattrs fill a block),
 *                a directory's or symlink's last partial block behind its
 *                inode when it fits in that block
 * meta_blkaddr is 0: a nid is the inode's byte offset / 32 anywhere in the
 * file. Only features every erofs kernel reads are used: no compression,
 * chunks, shared xattrs or checksum. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/backend/erofs_inode.h"
#include "imagetool/backend/layer_image_convert.h"

#define EF_ROOT_AT 1152 /* behind the superblock: the root's nid fits 16 bits */
#define EF_BUF (1u << 20)
/* Writeback of what is written is started every this many bytes, so the
 * disk works while the rest of the layer converts and the store's one
 * syncfs at the end has little left to wait for. */
#define EF_WRITEBACK (8u << 20)

struct packed {
    struct sq_inode *ino;
    size_t off; /* in the pack */
};

struct ef_writer {
    int fd;
    unsigned char *buf;
    size_t used;
    uint64_t pos;     /* bytes written and buffered */
    uint64_t flushed; /* bytes written */
    uint64_t queued;  /* bytes handed to writeback */
    struct sq_inode *file;
    unsigned char tail[EF_BLK]; /* the file's bytes past its last whole block */
    size_t tail_len;
    unsigned char pack[EF_BLK];
    size_t pack_len;
    struct packed *in_pack;
    size_t n_in_pack, cap_in_pack;
    struct sq_inode **files; /* packed inodes (their nlink is set at the end) */
    size_t n_files, cap_files;
    uint32_t next_number;
    uint64_t inodes;
};

/* ---- output */

static int flush(struct ef_writer *w, struct error **err)
{
    for (size_t off = 0; off < w->used;) {
        ssize_t n = write(w->fd, w->buf + off, w->used - off);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return error_set(err, errno, "erofs: write");
        off += (size_t)n;
    }
    w->flushed += w->used;
    w->used = 0;
    if (w->flushed - w->queued >= EF_WRITEBACK) {
        (void)sync_file_range(w->fd, (off_t)w->queued, (off_t)(w->flushed - w->queued), SYNC_FILE_RANGE_WRITE);
        w->queued = w->flushed;
    }
    return 0;
}

/* data NULL: zeros */
static int out(struct ef_writer *w, const void *data, size_t len, struct error **err)
{
    const unsigned char *p = data;
    while (len > 0) {
        size_t n = EF_BUF - w->used < len ? EF_BUF - w->used : len;
        if (p)
            memcpy(w->buf + w->used, p, n);
        else
            memset(w->buf + w->used, 0, n);
        w->used += n;
        w->pos += n;
        len -= n;
        if (p)
            p += n;
        if (w->used == EF_BUF && flush(w, err) < 0)
            return -1;
    }
    return 0;
}

static int pad_block(struct ef_writer *w, struct error **err)
{
    return out(w, NULL, ef_round_up(w->pos, EF_BLK) - w->pos, err);
}

static int pwrite_all(struct ef_writer *w, const void *p, size_t len, uint64_t at, struct error **err)
{
    ssize_t n = pwrite(w->fd, p, len, (off_t)at);
    if (n < 0)
        return error_set(err, errno, "erofs: write at %llu", (unsigned long long)at);
    if ((size_t)n != len) /* a short write sets no errno: say what it means */
        return error_set(err, ENOSPC, "erofs: write at %llu: short write", (unsigned long long)at);
    return 0;
}

static int ef_writer_open(const char *path, void **out_w, struct error **err)
{
    /* The store made the file, empty. No O_TRUNC: on ext4 a truncated file
     * is written back in full when it is closed (auto_da_alloc), ahead of
     * the one syncfs that makes the import durable. */
    int fd = open(path, O_WRONLY | O_CLOEXEC | O_NOFOLLOW);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    struct stat st;
    int e = fstat(fd, &st) < 0 ? errno : st.st_size != 0 ? EEXIST : 0;
    if (e != 0) {
        close(fd);
        return error_set(err, e, "erofs: %s is not a new empty file", path);
    }
    struct ef_writer *w = xcalloc(1, sizeof(*w));
    w->fd = fd;
    w->buf = xmalloc(EF_BUF);
    *out_w = w;
    return out(w, NULL, EF_BLK, err); /* block 0: superblock and root, written last */
}

/* ---- packs: file inodes and their tails, between files */

static int pack_flush(struct ef_writer *w, struct error **err)
{
    if (w->pack_len == 0)
        return 0;
    for (size_t i = 0; i < w->n_in_pack; i++)
        w->in_pack[i].ino->ref = (w->pos + w->in_pack[i].off) / EF_SLOT;
    memset(w->pack + w->pack_len, 0, EF_BLK - w->pack_len);
    w->pack_len = 0;
    w->n_in_pack = 0;
    return out(w, w->pack, EF_BLK, err);
}

/* size bytes in the pack (starting a new one when they do not fit) */
static int pack_place(struct ef_writer *w, struct sq_inode *ino, size_t size, unsigned char **at,
                      struct error **err)
{
    if (w->pack_len + size > EF_BLK && pack_flush(w, err) < 0)
        return -1;
    if (w->n_in_pack == w->cap_in_pack) {
        w->cap_in_pack = w->cap_in_pack ? w->cap_in_pack * 2 : 64;
        w->in_pack = xrealloc(w->in_pack, w->cap_in_pack * sizeof(*w->in_pack));
    }
    w->in_pack[w->n_in_pack++] = (struct packed){ ino, w->pack_len };
    *at = w->pack + w->pack_len;
    w->pack_len += ef_round_up(size, EF_SLOT);
    return 0;
}

/* ---- regular files, as they stream */

static int ef_writer_file_begin(void *any, struct sq_inode *ino, struct error **err)
{
    struct ef_writer *w = any;
    (void)err;
    w->file = ino;
    ino->blk = (uint32_t)(w->pos / EF_BLK); /* pos is at a block: packs are whole blocks */
    ino->size = 0;
    w->tail_len = 0;
    return 0;
}

static int ef_writer_file_append(void *any, const void *buf, size_t len, struct error **err)
{
    struct ef_writer *w = any;
    const unsigned char *p = buf;
    w->file->size += len;
    while (len > 0) {
        if (w->tail_len == 0 && len >= EF_BLK) {
            size_t whole = len - len % EF_BLK;
            if (out(w, p, whole, err) < 0)
                return -1;
            p += whole;
            len -= whole;
            continue;
        }
        size_t n = EF_BLK - w->tail_len < len ? EF_BLK - w->tail_len : len;
        memcpy(w->tail + w->tail_len, p, n);
        w->tail_len += n;
        p += n;
        len -= n;
        if (w->tail_len == EF_BLK) {
            if (out(w, w->tail, EF_BLK, err) < 0)
                return -1;
            w->tail_len = 0;
        }
    }
    return 0;
}

/* The inode goes into a pack with its tail inline, or (xattrs too big for
 * that) the tail ends the file's blocks and the inode waits for the
 * metadata area. */
static int ef_writer_file_end(void *any, struct error **err)
{
    struct ef_writer *w = any;
    struct sq_inode *ino = w->file;
    w->file = NULL;
    if (ef_xattr_check(ino, err) < 0)
        return -1;
    size_t head = EF_INODE + ef_xattr_size(ino);
    bool in = w->tail_len && head + w->tail_len <= EF_BLK;
    if (!in && w->tail_len && (out(w, w->tail, w->tail_len, err) < 0 || pad_block(w, err) < 0))
        return -1;
    if (head + (in ? w->tail_len : 0) > EF_BLK)
        return 0;
    unsigned char *at;
    if (pack_place(w, ino, head + (in ? w->tail_len : 0), &at, err) < 0)
        return -1;
    ino->number = ++w->next_number;
    ef_put_inode(at, ino, 1, in ? EF_FLAT_INLINE : EF_FLAT_PLAIN, w->tail, w->tail_len);
    ino->written = true;
    w->inodes++;
    if (w->n_files == w->cap_files) {
        w->cap_files = w->cap_files ? w->cap_files * 2 : 1024;
        w->files = xrealloc(w->files, w->cap_files * sizeof(*w->files));
    }
    w->files[w->n_files++] = ino;
    return 0;
}

/* ---- the rest, at the end */

/* Directories and symlinks: is the last partial block inline, given room
 * bytes for inode, xattrs and tail? Files placed at the end never are. */
static bool inlined(const struct sq_inode *ino, size_t room)
{
    uint64_t tail = ino->size % EF_BLK;
    return (S_ISDIR(ino->mode) || S_ISLNK(ino->mode)) && tail &&
           EF_INODE + ef_xattr_size(ino) + tail <= room;
}

static uint64_t meta_size(const struct sq_inode *ino)
{
    return EF_INODE + ef_xattr_size(ino) + (inlined(ino, EF_BLK) ? ino->size % EF_BLK : 0);
}

struct layout {
    uint64_t pos;   /* next free byte of the metadata area */
    uint64_t whole; /* bytes of directory and symlink blocks before it */
};

static void place(struct layout *l, struct sq_inode *ino)
{
    uint64_t size = meta_size(ino);
    if (l->pos % EF_BLK + size > EF_BLK && size <= EF_BLK)
        l->pos = ef_round_up(l->pos, EF_BLK);
    ino->ref = l->pos / EF_SLOT;
    l->pos += ef_round_up(size, EF_SLOT);
}

static uint64_t whole_blocks(const struct sq_inode *ino, size_t room)
{
    if (!S_ISDIR(ino->mode) && !S_ISLNK(ino->mode))
        return 0;
    return ef_round_up(inlined(ino, room) ? ino->size / EF_BLK * EF_BLK : ino->size, EF_BLK);
}

/* Sizes first (directory sizes depend on names only): the blocks they need
 * before the metadata area. */
static int measure(struct ef_writer *w, struct sq_node *dir, uint64_t *whole, struct error **err)
{
    sq_node_sort(dir);
    free(ef_dir_bytes(dir, &dir->ino->size));
    if (ef_xattr_check(dir->ino, err) < 0)
        return -1;
    if (dir->ino->number == 0)
        dir->ino->number = ++w->next_number;
    *whole += whole_blocks(dir->ino, dir->parent ? EF_BLK : EF_BLK - EF_ROOT_AT);
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_inode *ino = dir->child[i]->ino;
        if (S_ISDIR(ino->mode)) {
            if (measure(w, dir->child[i], whole, err) < 0)
                return -1;
        } else if (ino->number == 0) {
            if (ef_xattr_check(ino, err) < 0)
                return -1;
            ino->number = ++w->next_number;
            if (S_ISLNK(ino->mode))
                ino->size = strlen(ino->target);
            *whole += whole_blocks(ino, EF_BLK);
        }
    }
    return 0;
}

/* Root first (block 0), then each directory's unplaced entries before its
 * subdirectories'. */
static void lay_out(struct ef_writer *w, struct layout *l, struct sq_node *dir)
{
    if (dir->parent) {
        place(l, dir->ino);
        w->inodes++;
    }
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_inode *ino = dir->child[i]->ino;
        if (S_ISDIR(ino->mode) || ino->written)
            continue;
        place(l, ino);
        ino->written = true;
        w->inodes++;
    }
    for (size_t i = 0; i < dir->n_child; i++)
        if (S_ISDIR(dir->child[i]->ino->mode))
            lay_out(w, l, dir->child[i]);
}

static int write_blocks(struct ef_writer *w, struct sq_inode *ino, size_t room, const void *data,
                        struct error **err)
{
    uint64_t whole = whole_blocks(ino, room);
    if (whole == 0)
        return 0;
    ino->blk = (uint32_t)(w->pos / EF_BLK);
    size_t len = whole < ino->size ? whole : ino->size;
    return out(w, data, len, err) < 0 ? -1 : pad_block(w, err);
}

static int write_dir_data(struct ef_writer *w, struct sq_node *dir, struct error **err)
{
    uint64_t size;
    CLEANUP_FREE unsigned char *bytes = ef_dir_bytes(dir, &size);
    if (write_blocks(w, dir->ino, dir->parent ? EF_BLK : EF_BLK - EF_ROOT_AT, bytes, err) < 0)
        return -1;
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_inode *ino = dir->child[i]->ino;
        int r = 0;
        if (S_ISDIR(ino->mode))
            r = write_dir_data(w, dir->child[i], err);
        else if (S_ISLNK(ino->mode) && ino->blk == 0)
            r = write_blocks(w, ino, EF_BLK, ino->target, err);
        if (r < 0)
            return -1;
    }
    return 0;
}

static uint32_t nlink(const struct sq_node *node)
{
    if (!S_ISDIR(node->ino->mode))
        return node->ino->refs;
    uint32_t n = 2;
    for (size_t i = 0; i < node->n_child; i++)
        n += S_ISDIR(node->child[i]->ino->mode);
    return n;
}

static void put_node(unsigned char *p, const struct sq_node *node, size_t room, const void *data)
{
    const struct sq_inode *ino = node->ino;
    bool in = inlined(ino, room);
    ef_put_inode(p, ino, nlink(node), in ? EF_FLAT_INLINE : EF_FLAT_PLAIN,
                 in ? (const unsigned char *)data + ino->size / EF_BLK * EF_BLK : NULL, ino->size % EF_BLK);
}

/* Every inode of the metadata area into meta (which starts at byte base);
 * the root's into root. A hard link's inode is put once per name: the same
 * bytes. */
static void fill_meta(unsigned char *meta, uint64_t base, unsigned char *root, const struct sq_node *dir)
{
    uint64_t size;
    CLEANUP_FREE unsigned char *bytes = ef_dir_bytes(dir, &size);
    if (dir->parent)
        put_node(meta + dir->ino->ref * EF_SLOT - base, dir, EF_BLK, bytes);
    else
        put_node(root, dir, EF_BLK - EF_ROOT_AT, bytes);
    for (size_t i = 0; i < dir->n_child; i++) {
        const struct sq_node *c = dir->child[i];
        if (S_ISDIR(c->ino->mode))
            fill_meta(meta, base, root, c);
        else if (c->ino->ref * EF_SLOT >= base)
            put_node(meta + c->ino->ref * EF_SLOT - base, c, EF_BLK, c->ino->target);
    }
}

/* Packed files that gained names later: their link count. */
static int fix_links(struct ef_writer *w, struct error **err)
{
    for (size_t i = 0; i < w->n_files; i++) {
        unsigned char n[4];
        if (w->files[i]->refs <= 1)
            continue;
        ef_put32(n, w->files[i]->refs);
        if (pwrite_all(w, n, sizeof(n), w->files[i]->ref * EF_SLOT + 44, err) < 0)
            return -1;
    }
    return 0;
}

static int write_super(struct ef_writer *w, struct error **err)
{
    unsigned char sb[128] = { 0 };
    ef_put32(sb, EF_MAGIC);
    sb[12] = EF_BLKBITS;
    ef_put16(sb + 14, EF_ROOT_AT / EF_SLOT);
    ef_put64(sb + 16, w->inodes);
    ef_put32(sb + 36, (uint32_t)(w->pos / EF_BLK));
    /* meta_blkaddr (40) 0: nids count from the start of the file */
    return pwrite_all(w, sb, sizeof(sb), EF_SUPER_AT, err);
}

static int ef_writer_finish(void *any, struct sq_tree *t, struct error **err)
{
    struct ef_writer *w = any;
    uint64_t whole = 0;
    if (pack_flush(w, err) < 0 || measure(w, t->root, &whole, err) < 0)
        return -1;
    if (EF_INODE + ef_xattr_size(t->root->ino) > EF_BLK - EF_ROOT_AT)
        return error_setc(err, EXIT_INVALID, 0, "erofs: the root directory's xattrs are too large");
    t->root->ino->ref = EF_ROOT_AT / EF_SLOT;
    uint64_t base = w->pos + whole;
    struct layout l = { .pos = base };
    lay_out(w, &l, t->root);
    w->inodes++;
    if (write_dir_data(w, t->root, err) < 0)
        return -1;
    if (w->pos != base)
        return error_setc(err, EXIT_FAIL, 0, "erofs: directory blocks end at %llu, not %llu",
                          (unsigned long long)w->pos, (unsigned long long)base);
    size_t meta_len = (size_t)ef_round_up(l.pos - base, EF_BLK);
    CLEANUP_FREE unsigned char *meta = xcalloc(1, meta_len ? meta_len : 1);
    unsigned char root[EF_BLK - EF_ROOT_AT] = { 0 };
    fill_meta(meta, base, root, t->root);
    if (out(w, meta, meta_len, err) < 0 || flush(w, err) < 0)
        return -1;
    if (w->pos / EF_BLK > UINT32_MAX)
        return error_setc(err, EXIT_FAIL, EFBIG, "erofs: image too large");
    if (pwrite_all(w, root, sizeof(root), EF_ROOT_AT, err) < 0 || fix_links(w, err) < 0)
        return -1;
    return write_super(w, err);
}

static void ef_writer_free(void *any)
{
    struct ef_writer *w = any;
    if (w == NULL)
        return;
    close(w->fd);
    free(w->buf);
    free(w->in_pack);
    free(w->files);
    free(w);
}

const struct image_format image_format_erofs = {
    .open = ef_writer_open,
    .file_begin = ef_writer_file_begin,
    .file_append = ef_writer_file_append,
    .file_end = ef_writer_file_end,
    .finish = ef_writer_finish,
    .free = ef_writer_free,
    .free_file = NULL,
};
