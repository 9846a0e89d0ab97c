/* The erofs on-disk pieces the writer (erofs_write.c) lays out: 64-byte
 * extended inodes with their inline xattrs and inline data, and directory
 * blocks. Constants from the kernel's Documentation/filesystems/erofs.rst. */
#ifndef IMAGETOOL_BACKEND_EROFS_INODE_H
#define IMAGETOOL_BACKEND_EROFS_INODE_H

#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "imagetool/backend/layer_image_tree.h"

#define EF_BLK 4096u
#define EF_BLKBITS 12
#define EF_MAGIC 0xE0F5E1E2u
#define EF_SUPER_AT 1024
#define EF_INODE 64 /* the extended form: 32-bit ids, an mtime per inode */
#define EF_SLOT 32  /* the nid unit */
#define EF_FLAT_PLAIN 0
#define EF_FLAT_INLINE 2

static inline uint64_t ef_round_up(uint64_t v, uint64_t to)
{
    return (v + to - 1) / to * to;
}

static inline void ef_put16(unsigned char *p, uint16_t v)
{
    p[0] = (unsigned char)v;
    p[1] = (unsigned char)(v >> 8);
}

static inline void ef_put32(unsigned char *p, uint32_t v)
{
    ef_put16(p, (uint16_t)v);
    ef_put16(p + 2, (uint16_t)(v >> 16));
}

static inline void ef_put64(unsigned char *p, uint64_t v)
{
    ef_put32(p, (uint32_t)v);
    ef_put32(p + 4, (uint32_t)(v >> 32));
}

/* Every xattr has an erofs form (a short prefix, a name of at most 255
 * bytes, a value of at most 64 KiB), else EXIT_INVALID. */
int ef_xattr_check(const struct sq_inode *ino, struct error **err);
/* Bytes of the inode's inline xattr body, 0 for none. */
size_t ef_xattr_size(const struct sq_inode *ino);
/* The inode at p (EF_INODE + its xattrs, then tail_len bytes of tail when
 * layout is EF_FLAT_INLINE); ino->blk, ->size, ->number as set. */
void ef_put_inode(unsigned char *p, const struct sq_inode *ino, uint32_t nlink, unsigned layout, const void *tail,
                  size_t tail_len);
/* The directory's bytes, last block partial, with the nids (ino->ref) set
 * so far; *size their count. */
unsigned char *ef_dir_bytes(const struct sq_node *dir, uint64_t *size);

#endif
