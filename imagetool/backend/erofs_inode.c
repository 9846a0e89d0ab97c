/* erofs inodes, xattrs and directory blocks, encoded little-endian. */
#include "imagetool/backend/erofs_inode.h"

#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/xalloc.h"

#define EF_XATTR_HEAD 12 /* name filter (unused without its feature), shared count, reserved */
#define EF_DIRENT 12

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
    return ef_round_up(4 + strlen(rest) + value_size, 4);
}

int ef_xattr_check(const struct sq_inode *ino, struct error **err)
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

size_t ef_xattr_size(const struct sq_inode *ino)
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
    xattr_split(key, &index, &rest); /* checked by ef_xattr_check */
    size_t len = strlen(rest);
    p[0] = (unsigned char)len;
    p[1] = index;
    ef_put16(p + 2, (uint16_t)size);
    memcpy(p + 4, rest, len);
    memcpy(p + 4 + len, value, size);
    return p + ef_round_up(4 + len + size, 4);
}

static void put_xattrs(unsigned char *p, const struct sq_inode *ino)
{
    memset(p, 0, EF_XATTR_HEAD);
    p += EF_XATTR_HEAD;
    for (size_t i = 0; i < ino->n_xattrs; i++)
        p = put_xattr(p, ino->xattrs[i].key, ino->xattrs[i].value, ino->xattrs[i].size);
    if (ino->opaque)
        put_xattr(p, "trusted.overlay.opaque", "y", 1);
}

void ef_put_inode(unsigned char *p, const struct sq_inode *ino, uint32_t nlink, unsigned layout, const void *tail,
                  size_t tail_len)
{
    size_t xattrs = ef_xattr_size(ino);
    bool data = S_ISREG(ino->mode) || S_ISDIR(ino->mode) || S_ISLNK(ino->mode);
    memset(p, 0, EF_INODE);
    ef_put16(p, (uint16_t)(1 | layout << 1));
    ef_put16(p + 2, (uint16_t)(xattrs ? (xattrs - EF_XATTR_HEAD) / 4 + 1 : 0));
    ef_put16(p + 4, (uint16_t)ino->mode);
    ef_put64(p + 8, data ? ino->size : 0);
    ef_put32(p + 16, S_ISCHR(ino->mode) || S_ISBLK(ino->mode) ? ino->devno : ino->blk);
    ef_put32(p + 20, ino->number);
    ef_put32(p + 24, ino->uid);
    ef_put32(p + 28, ino->gid);
    ef_put64(p + 32, ino->mtime);
    ef_put32(p + 44, nlink);
    if (xattrs)
        put_xattrs(p + EF_INODE, ino);
    if (layout == EF_FLAT_INLINE)
        memcpy(p + EF_INODE + xattrs, tail, tail_len);
}

/* ---- directories: blocks of 12-byte dirents, then their names, sorted */

struct entry {
    const char *name;
    const struct sq_inode *ino;
};

static int by_name(const void *a, const void *b)
{
    return strcmp(((const struct entry *)a)->name, ((const struct entry *)b)->name);
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

unsigned char *ef_dir_bytes(const struct sq_node *dir, uint64_t *size)
{
    size_t n = dir->n_child + 2;
    struct entry *e = xmalloc(n * sizeof(*e));
    e[0] = (struct entry){ ".", dir->ino };
    e[1] = (struct entry){ "..", (dir->parent ? dir->parent : dir)->ino };
    for (size_t i = 0; i < dir->n_child; i++)
        e[i + 2] = (struct entry){ dir->child[i]->name, dir->child[i]->ino };
    qsort(e, n, sizeof(*e), by_name);
    size_t cap = EF_BLK, len = 0;
    unsigned char *buf = xcalloc(1, cap);
    for (size_t i = 0; i < n;) {
        size_t k = 0, used = 0;
        while (i + k < n && used + EF_DIRENT + strlen(e[i + k].name) <= EF_BLK)
            used += EF_DIRENT + strlen(e[i + k++].name);
        size_t at = ef_round_up(len, EF_BLK);
        if (at + EF_BLK > cap) {
            buf = xrealloc(buf, cap * 2);
            memset(buf + cap, 0, cap);
            cap *= 2;
        }
        unsigned char *blk = buf + at;
        size_t nameoff = k * EF_DIRENT;
        for (size_t j = 0; j < k; j++, i++) {
            size_t nl = strlen(e[i].name);
            ef_put64(blk + j * EF_DIRENT, e[i].ino->ref);
            ef_put16(blk + j * EF_DIRENT + 8, (uint16_t)nameoff);
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
