/* The erofs image, in file order:
 *   block 0            superblock at 1024 (written last)
 *   blocks 1..         each regular file's data from a block of its own, as
 *                      the tar streams (flat plain layout)
 *   then               the whole blocks of directories too big to inline
 *   then               the metadata area: inodes 32-byte aligned, root
 *                      first, none straddling a block unless it is bigger
 *                      than one; a directory's or symlink's last partial
 *                      block rides behind its inode (flat inline layout)
 * meta_blkaddr is set one block before the metadata area, so the root's nid
 * is 128, never 0 (nid 0 would be inode number 0). Only features every erofs
 * kernel reads are used: no compression, chunks, shared xattrs or checksum. */
#include "imagetool/backend/layer_image_convert.h"

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

#define EF_BLK 4096u
#define EF_BLKBITS 12
#define EF_MAGIC 0xE0F5E1E2u
#define EF_SUPER_AT 1024
#define EF_INODE 64 /* the extended form: 32-bit ids, mtime per inode */
#define EF_SLOT 32  /* nid unit */
#define EF_DIRENT 12
#define EF_XATTR_HEAD 12
#define EF_META_BASE EF_BLK /* offset of the first inode from meta_blkaddr */
#define EF_FLAT_PLAIN 0
#define EF_FLAT_INLINE 2
#define EF_BUF (1u << 20)

struct ef_writer {
    int fd;
    unsigned char *buf;
    size_t used;
    uint64_t pos; /* bytes written and buffered */
    struct sq_inode *file;
    uint64_t inodes;
};

struct ef_entry {
    const char *name;
    struct sq_inode *ino;
};

static uint64_t round_up(uint64_t v, uint64_t to)
{
    return (v + to - 1) / to * to;
}

static void put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static void put32(unsigned char *p, uint32_t v)
{
    put16(p, (uint16_t)v);
    put16(p + 2, (uint16_t)(v >> 16));
}

static void put64(unsigned char *p, uint64_t v)
{
    put32(p, (uint32_t)v);
    put32(p + 4, (uint32_t)(v >> 32));
}

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
    w->used = 0;
    return 0;
}

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
    return out(w, NULL, round_up(w->pos, EF_BLK) - w->pos, err);
}

static int ef_writer_open(const char *path, void **out_w, struct error **err)
{
    int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
    if (fd < 0)
        return error_set(err, errno, "create %s", path);
    struct ef_writer *w = xcalloc(1, sizeof(*w));
    w->fd = fd;
    w->buf = xmalloc(EF_BUF);
    *out_w = w;
    return out(w, NULL, EF_BLK, err); /* block 0: the superblock's, written last */
}

static int ef_writer_file_begin(void *any, struct sq_inode *ino, struct error **err)
{
    struct ef_writer *w = any;
    (void)err;
    w->file = ino;
    ino->blk = (uint32_t)(w->pos / EF_BLK);
    ino->size = 0;
    return 0;
}

static int ef_writer_file_append(void *any, const void *buf, size_t len, struct error **err)
{
    struct ef_writer *w = any;
    w->file->size += len;
    return out(w, buf, len, err);
}

static int ef_writer_file_end(void *any, struct error **err)
{
    struct ef_writer *w = any;
    w->file = NULL;
    return pad_block(w, err);
}

/* ---- xattrs: in the inode, behind a 12-byte header */

static const struct {
    const char *prefix;
    unsigned char index;
} xattr_prefixes[] = { { "user.", 1 }, { "trusted.", 4 }, { "security.", 6 } };

static int xattr_split(const char *key, unsigned char *index, const char **rest)
{
    for (size_t i = 0; i < sizeof(xattr_prefixes) / sizeof(xattr_prefixes[0]); i++) {
        size_t n = strlen(xattr_prefixes[i].prefix);
        if (strncmp(key, xattr_prefixes[i].prefix, n) == 0) {
            *index = xattr_prefixes[i].index;
            *rest = key + n;
            return 0;
        }
    }
    return -1;
}

static size_t xattr_entry_size(const char *key, size_t value_size)
{
    unsigned char index;
    const char *rest;
    if (xattr_split(key, &index, &rest) < 0)
        return 0;
    return round_up(4 + strlen(rest) + value_size, 4);
}

static int xattr_check(const struct sq_inode *ino, struct error **err)
{
    for (size_t i = 0; i < ino->n_xattrs; i++) {
        unsigned char index;
        const char *rest;
        if (xattr_split(ino->xattrs[i].key, &index, &rest) < 0 || strlen(rest) > 255 ||
            ino->xattrs[i].size > UINT16_MAX)
            return error_setc(err, EXIT_INVALID, 0, "erofs: xattr %s: no erofs form", ino->xattrs[i].key);
    }
    return 0;
}

/* bytes of the inline xattr body, 0 for none */
static size_t xattr_body_size(const struct sq_inode *ino)
{
    size_t n = 0;
    for (size_t i = 0; i < ino->n_xattrs; i++)
        n += xattr_entry_size(ino->xattrs[i].key, ino->xattrs[i].size);
    if (ino->opaque)
        n += xattr_entry_size("trusted.overlay.opaque", 1);
    return n ? EF_XATTR_HEAD + n : 0;
}

static unsigned char *put_xattr(unsigned char *p, const char *key, const void *value, size_t size)
{
    unsigned char index = 0;
    const char *rest = key;
    xattr_split(key, &index, &rest); /* checked by xattr_check */
    size_t len = strlen(rest);
    p[0] = (unsigned char)len;
    p[1] = index;
    put16(p + 2, (uint16_t)size);
    memcpy(p + 4, rest, len);
    memcpy(p + 4 + len, value, size);
    return p + round_up(4 + len + size, 4);
}

static void put_xattrs(unsigned char *p, const struct sq_inode *ino)
{
    p += EF_XATTR_HEAD; /* name filter 0 (unused without the feature), no shared xattrs */
    for (size_t i = 0; i < ino->n_xattrs; i++)
        p = put_xattr(p, ino->xattrs[i].key, ino->xattrs[i].value, ino->xattrs[i].size);
    if (ino->opaque)
        put_xattr(p, "trusted.overlay.opaque", "y", 1);
}

/* ---- directories: blocks of 12-byte dirents, then their names, sorted */

static int by_entry_name(const void *a, const void *b)
{
    return strcmp(((const struct ef_entry *)a)->name, ((const struct ef_entry *)b)->name);
}

static unsigned char file_type(uint32_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFREG: return 1;
    case S_IFDIR: return 2;
    case S_IFCHR: return 3;
    case S_IFBLK: return 4;
    case S_IFIFO: return 5;
    case S_IFSOCK: return 6;
    case S_IFLNK: return 7;
    default: return 0;
    }
}

/* The directory's bytes (the last block partial); nids as laid out so far. */
static unsigned char *dir_bytes(const struct sq_node *dir, uint64_t *size)
{
    size_t n = dir->n_child + 2;
    struct ef_entry *e = xmalloc(n * sizeof(*e));
    e[0] = (struct ef_entry){ ".", dir->ino };
    e[1] = (struct ef_entry){ "..", (dir->parent ? dir->parent : dir)->ino };
    for (size_t i = 0; i < dir->n_child; i++)
        e[i + 2] = (struct ef_entry){ dir->child[i]->name, dir->child[i]->ino };
    qsort(e, n, sizeof(*e), by_entry_name);
    size_t cap = EF_BLK, len = 0;
    unsigned char *buf = xcalloc(1, cap);
    for (size_t i = 0; i < n;) {
        size_t k = 0, used = 0;
        while (i + k < n && used + EF_DIRENT + strlen(e[i + k].name) <= EF_BLK)
            used += EF_DIRENT + strlen(e[i + k++].name);
        size_t at = round_up(len, EF_BLK);
        if (at + EF_BLK > cap) {
            buf = xrealloc(buf, cap * 2);
            memset(buf + cap, 0, cap);
            cap *= 2;
        }
        unsigned char *blk = buf + at;
        size_t nameoff = k * EF_DIRENT;
        for (size_t j = 0; j < k; j++, i++) {
            size_t nl = strlen(e[i].name);
            put64(blk + j * EF_DIRENT, e[i].ino->ref);
            put16(blk + j * EF_DIRENT + 8, (uint16_t)nameoff);
            blk[j * EF_DIRENT + 10] = file_type(e[i].ino->mode);
            memcpy(blk + nameoff, e[i].name, nl);
            nameoff += nl;
        }
        len = at + used;
    }
    free(e);
    *size = len;
    return buf;
}

/* ---- layout of the metadata area */

struct ef_layout {
    uint64_t pos; /* next free offset from meta_blkaddr */
};

static bool inlined(const struct sq_inode *ino, size_t xattrs)
{
    uint64_t tail = ino->size % EF_BLK;
    return (S_ISDIR(ino->mode) || S_ISLNK(ino->mode)) && tail && EF_INODE + xattrs + tail <= EF_BLK;
}

static uint64_t meta_size(const struct sq_inode *ino)
{
    size_t xattrs = xattr_body_size(ino);
    return EF_INODE + xattrs + (inlined(ino, xattrs) ? ino->size % EF_BLK : 0);
}

static void place(struct ef_layout *l, struct sq_inode *ino)
{
    uint64_t size = meta_size(ino);
    if (l->pos % EF_BLK + size > EF_BLK && size <= EF_BLK)
        l->pos = round_up(l->pos, EF_BLK);
    ino->ref = l->pos / EF_SLOT;
    ino->written = true;
    l->pos += round_up(size, EF_SLOT);
}

/* Root first, then each directory's entries before its subdirectories'. */
static int lay_out(struct ef_writer *w, struct ef_layout *l, struct sq_node *dir, struct error **err)
{
    sq_node_sort(dir);
    free(dir_bytes(dir, &dir->ino->size));
    if (!dir->ino->written) {
        if (xattr_check(dir->ino, err) < 0)
            return -1;
        place(l, dir->ino);
        w->inodes++;
    }
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_inode *ino = dir->child[i]->ino;
        if (S_ISDIR(ino->mode) || ino->written)
            continue;
        if (xattr_check(ino, err) < 0)
            return -1;
        if (S_ISLNK(ino->mode))
            ino->size = strlen(ino->target);
        place(l, ino);
        w->inodes++;
    }
    for (size_t i = 0; i < dir->n_child; i++)
        if (S_ISDIR(dir->child[i]->ino->mode) && lay_out(w, l, dir->child[i], err) < 0)
            return -1;
    return 0;
}

/* ---- the data of directories and symlinks: whole blocks now, tails inline */

static int write_blocks(struct ef_writer *w, struct sq_inode *ino, const void *data, struct error **err)
{
    uint64_t whole = inlined(ino, xattr_body_size(ino)) ? ino->size / EF_BLK * EF_BLK : ino->size;
    ino->blk = whole ? (uint32_t)(w->pos / EF_BLK) : 0;
    if (whole == 0)
        return 0;
    return out(w, data, whole, err) < 0 ? -1 : pad_block(w, err);
}

static int write_dir_data(struct ef_writer *w, struct sq_node *dir, struct error **err)
{
    uint64_t size;
    CLEANUP_FREE unsigned char *bytes = dir_bytes(dir, &size);
    if (write_blocks(w, dir->ino, bytes, err) < 0)
        return -1;
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_inode *ino = dir->child[i]->ino;
        int r = 0;
        if (S_ISDIR(ino->mode))
            r = write_dir_data(w, dir->child[i], err);
        else if (S_ISLNK(ino->mode) && ino->blk == 0)
            r = write_blocks(w, ino, ino->target, err);
        if (r < 0)
            return -1;
    }
    return 0;
}

/* ---- the metadata area */

static uint32_t nlink(const struct sq_node *node)
{
    if (!S_ISDIR(node->ino->mode))
        return node->ino->refs;
    uint32_t n = 2;
    for (size_t i = 0; i < node->n_child; i++)
        n += S_ISDIR(node->child[i]->ino->mode);
    return n;
}

static void put_inode(unsigned char *meta, const struct sq_node *node, const void *tail)
{
    const struct sq_inode *ino = node->ino;
    unsigned char *p = meta + ino->ref * EF_SLOT - EF_META_BASE;
    size_t xattrs = xattr_body_size(ino);
    bool in = inlined(ino, xattrs);
    put16(p, (uint16_t)(1 | (in ? EF_FLAT_INLINE : EF_FLAT_PLAIN) << 1));
    put16(p + 2, (uint16_t)(xattrs ? (xattrs - EF_XATTR_HEAD) / 4 + 1 : 0));
    put16(p + 4, (uint16_t)ino->mode);
    put64(p + 8, S_ISREG(ino->mode) || S_ISDIR(ino->mode) || S_ISLNK(ino->mode) ? ino->size : 0);
    put32(p + 16, S_ISCHR(ino->mode) || S_ISBLK(ino->mode) ? ino->devno : ino->blk);
    put32(p + 20, ino->number);
    put32(p + 24, ino->uid);
    put32(p + 28, ino->gid);
    put64(p + 32, ino->mtime);
    put32(p + 44, nlink(node));
    if (xattrs)
        put_xattrs(p + EF_INODE, ino);
    if (in)
        memcpy(p + EF_INODE + xattrs, (const unsigned char *)tail + ino->size / EF_BLK * EF_BLK, ino->size % EF_BLK);
}

static void fill_meta(unsigned char *meta, const struct sq_node *dir)
{
    uint64_t size;
    CLEANUP_FREE unsigned char *bytes = dir_bytes(dir, &size);
    put_inode(meta, dir, bytes);
    for (size_t i = 0; i < dir->n_child; i++) {
        const struct sq_node *c = dir->child[i];
        if (S_ISDIR(c->ino->mode))
            fill_meta(meta, c);
        else
            put_inode(meta, c, c->ino->target); /* a hard link's twice: the same bytes */
    }
}

static int write_super(struct ef_writer *w, uint64_t meta_blkaddr, uint64_t root_nid, struct error **err)
{
    unsigned char sb[128] = { 0 };
    put32(sb, EF_MAGIC);
    sb[12] = EF_BLKBITS;
    put16(sb + 14, (uint16_t)root_nid);
    put64(sb + 16, w->inodes);
    put32(sb + 36, (uint32_t)(w->pos / EF_BLK));
    put32(sb + 40, (uint32_t)meta_blkaddr);
    if (pwrite(w->fd, sb, sizeof(sb), EF_SUPER_AT) != (ssize_t)sizeof(sb))
        return error_set(err, errno ? errno : EIO, "erofs: write the superblock");
    return 0;
}

static void number(struct sq_node *dir, uint32_t *next)
{
    for (size_t i = 0; i < dir->n_child; i++) {
        struct sq_node *c = dir->child[i];
        if (S_ISDIR(c->ino->mode))
            number(c, next);
        else if (c->ino->number == 0)
            c->ino->number = ++*next;
    }
    dir->ino->number = ++*next;
}

static int ef_writer_finish(void *any, struct sq_tree *t, struct error **err)
{
    struct ef_writer *w = any;
    struct ef_layout l = { .pos = EF_META_BASE };
    if (lay_out(w, &l, t->root, err) < 0)
        return -1;
    uint32_t count = 0;
    number(t->root, &count);
    if (write_dir_data(w, t->root, err) < 0)
        return -1;
    uint64_t meta_blkaddr = w->pos / EF_BLK - 1;
    size_t meta_len = (size_t)round_up(l.pos - EF_META_BASE, EF_BLK);
    CLEANUP_FREE unsigned char *meta = xcalloc(1, meta_len ? meta_len : 1);
    fill_meta(meta, t->root);
    if (out(w, meta, meta_len, err) < 0 || flush(w, err) < 0)
        return -1;
    if (meta_blkaddr > UINT32_MAX || w->pos / EF_BLK > UINT32_MAX)
        return error_setc(err, EXIT_FAIL, EFBIG, "erofs: image too large");
    return write_super(w, meta_blkaddr, t->root->ino->ref, err);
}

static void ef_writer_free(void *any)
{
    struct ef_writer *w = any;
    if (w == NULL)
        return;
    close(w->fd);
    free(w->buf);
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
