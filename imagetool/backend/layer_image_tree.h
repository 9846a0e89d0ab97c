/* The in-memory tree of one layer image while its tar streams: entries by
 * (parent, name) in a hash, replaced the way extraction replaces a file, hard
 * links sharing one inode record. File data is already written by then; the
 * tree keeps what the inode tables need (squashfs_write.c or erofs_write.c
 * serialises it). */
#ifndef IMAGETOOL_BACKEND_LAYER_IMAGE_TREE_H
#define IMAGETOOL_BACKEND_LAYER_IMAGE_TREE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct sqfs_inode_generic_t;

struct sq_xattr {
    char *key;
    void *value;
    size_t size;
};

struct sq_inode {
    struct sqfs_inode_generic_t *file; /* regular files: the block processor's inode */
    uint32_t mode;                     /* S_IF* and permission bits */
    uint32_t uid, gid, mtime, devno;
    char *target;                      /* symlinks */
    struct sq_xattr *xattrs;           /* written when the tree is: an opaque
                                        * directory's marker joins them then */
    size_t n_xattrs;
    uint32_t refs;                     /* tree entries naming it (its link count) */
    uint32_t number;                   /* 0 until numbered */
    uint64_t ref;                      /* location in the inode table once written
                                        * (erofs: the nid) */
    uint64_t size;                     /* erofs: data bytes (files, directories, symlinks) */
    uint32_t blk;                      /* erofs: first data block */
    bool written, opaque;
};

struct sq_node {
    char *name;
    struct sq_node *parent, *hnext;
    struct sq_node **child;
    size_t n_child, cap_child;
    struct sq_inode *ino;
};

struct sq_tree {
    struct sq_node *root;
    struct sq_node **bucket;
    size_t n_bucket, n_nodes;
    struct sq_inode **inodes; /* every record made, freed with the tree: the
                               * block processor may update a replaced file's
                               * inode until it finishes */
    size_t n_inodes, cap_inodes;
    void (*free_file)(struct sqfs_inode_generic_t *); /* frees a file's inode */
};

void sq_tree_init(struct sq_tree *t, uint32_t root_mtime);
void sq_tree_free(struct sq_tree *t);
struct sq_node *sq_tree_child(const struct sq_tree *t, const struct sq_node *dir, const char *name);
/* Add name under dir with ino (taking a reference); what was there goes
 * first, unless both are directories: then the old one stays, gets the new
 * attributes and keeps its children. Returns the node that names ino. */
struct sq_node *sq_tree_put(struct sq_tree *t, struct sq_node *dir, const char *name, struct sq_inode *ino);
/* Remove name (and a directory's subtree). Missing is fine. */
void sq_tree_remove(struct sq_tree *t, struct sq_node *dir, const char *name);
struct sq_inode *sq_inode_new(struct sq_tree *t, uint32_t mode, uint32_t mtime);
/* Children sorted by name (bytes), as directory tables need. */
void sq_node_sort(struct sq_node *dir);
void sq_inode_add_xattr(struct sq_inode *ino, const char *key, const void *value, size_t size);

#endif
