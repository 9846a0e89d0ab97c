/* Writing one squashfs image with libsquashfs (squashfs-tools-ng): file data
 * goes through the block processor (compressed on worker threads) while the
 * tar streams; the inode and directory tables, fragments, ids and xattrs are
 * written from the tree at the end, then the superblock. */
#ifndef IMAGETOOL_BACKEND_SQUASHFS_WRITE_H
#define IMAGETOOL_BACKEND_SQUASHFS_WRITE_H

#include <stddef.h>

#include "common/error.h"
#include "imagetool/backend/squashfs_tree.h"

struct sq_writer;

/* path is created (or truncated). */
int sq_writer_open(const char *path, struct sq_writer **out, struct error **err);
/* One regular file's contents, between begin and end. */
int sq_writer_file_begin(struct sq_writer *w, struct sq_inode *ino, struct error **err);
int sq_writer_file_append(struct sq_writer *w, const void *buf, size_t len, struct error **err);
int sq_writer_file_end(struct sq_writer *w, struct error **err);
/* All data is in: write the tree's tables and the superblock, pad the
 * image to 4 KiB for loop devices. */
int sq_writer_finish(struct sq_writer *w, struct sq_tree *t, struct error **err);
void sq_writer_free(struct sq_writer *w);
/* How the tree frees the inodes the block processor made. */
void sq_writer_free_inode(struct sqfs_inode_generic_t *inode);

#endif
