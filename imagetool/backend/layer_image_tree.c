/* The layer image's tree: nodes hashed by (parent, name), replacement with
 * extraction's rules, inode records shared by hard links. */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/backend/layer_image_tree.h"

static size_t hash(const struct sq_node *parent, const char *name)
{
    size_t h = (size_t)parent * 0x9E3779B97F4A7C15ull;
    for (const unsigned char *p = (const unsigned char *)name; *p; p++)
        h = (h ^ *p) * 0x100000001B3ull;
    return h;
}

static void hash_insert(struct sq_tree *t, struct sq_node *n)
{
    size_t b = hash(n->parent, n->name) % t->n_bucket;
    n->hnext = t->bucket[b];
    t->bucket[b] = n;
}

static void grow(struct sq_tree *t)
{
    struct sq_node **old = t->bucket;
    size_t n_old = t->n_bucket;
    t->n_bucket = n_old ? n_old * 2 : 1024;
    t->bucket = xcalloc(t->n_bucket, sizeof(*t->bucket));
    for (size_t i = 0; i < n_old; i++) {
        for (struct sq_node *n = old[i], *next; n; n = next) {
            next = n->hnext;
            hash_insert(t, n);
        }
    }
    free(old);
}

static void hash_remove(struct sq_tree *t, struct sq_node *n)
{
    struct sq_node **p = &t->bucket[hash(n->parent, n->name) % t->n_bucket];
    while (*p && *p != n)
        p = &(*p)->hnext;
    if (*p)
        *p = n->hnext;
}

struct sq_inode *sq_inode_new(struct sq_tree *t, uint32_t mode, uint32_t mtime)
{
    struct sq_inode *ino = xcalloc(1, sizeof(*ino));
    ino->mode = mode;
    ino->mtime = mtime;
    if (t->n_inodes == t->cap_inodes) {
        t->cap_inodes = t->cap_inodes ? t->cap_inodes * 2 : 256;
        t->inodes = xrealloc(t->inodes, t->cap_inodes * sizeof(*t->inodes));
    }
    t->inodes[t->n_inodes++] = ino;
    return ino;
}

void sq_tree_init(struct sq_tree *t, uint32_t root_mtime)
{
    memset(t, 0, sizeof(*t));
    grow(t);
    t->root = xcalloc(1, sizeof(*t->root));
    t->root->name = xstrdup("");
    t->root->ino = sq_inode_new(t, S_IFDIR | 0755, root_mtime);
    t->root->ino->refs = 1;
}

struct sq_node *sq_tree_child(const struct sq_tree *t, const struct sq_node *dir, const char *name)
{
    struct sq_node *n = t->bucket[hash(dir, name) % t->n_bucket];
    while (n && (n->parent != dir || strcmp(n->name, name) != 0))
        n = n->hnext;
    return n;
}

static void node_free(struct sq_tree *t, struct sq_node *n)
{
    for (size_t i = 0; i < n->n_child; i++)
        node_free(t, n->child[i]);
    hash_remove(t, n);
    t->n_nodes--;
    n->ino->refs--;
    free(n->child);
    free(n->name);
    free(n);
}

void sq_tree_remove(struct sq_tree *t, struct sq_node *dir, const char *name)
{
    struct sq_node *n = sq_tree_child(t, dir, name);
    if (n == NULL)
        return;
    for (size_t i = 0; i < dir->n_child; i++) {
        if (dir->child[i] == n) {
            dir->child[i] = dir->child[--dir->n_child];
            break;
        }
    }
    node_free(t, n);
}

static void xattrs_clear(struct sq_inode *ino)
{
    for (size_t i = 0; i < ino->n_xattrs; i++) {
        free(ino->xattrs[i].key);
        free(ino->xattrs[i].value);
    }
    free(ino->xattrs);
    ino->xattrs = NULL;
    ino->n_xattrs = 0;
}

void sq_inode_add_xattr(struct sq_inode *ino, const char *key, const void *value, size_t size)
{
    ino->xattrs = xrealloc(ino->xattrs, (ino->n_xattrs + 1) * sizeof(*ino->xattrs));
    struct sq_xattr *x = &ino->xattrs[ino->n_xattrs++];
    x->key = xstrdup(key);
    x->value = xmalloc(size ? size : 1);
    memcpy(x->value, value, size);
    x->size = size;
}

/* A directory entry over an existing directory: the new attributes win. */
static void dir_update(struct sq_inode *old, struct sq_inode *new)
{
    old->mode = new->mode;
    old->uid = new->uid;
    old->gid = new->gid;
    old->mtime = new->mtime;
    xattrs_clear(old);
    old->xattrs = TAKE_PTR(new->xattrs);
    old->n_xattrs = new->n_xattrs;
    new->n_xattrs = 0;
}

struct sq_node *sq_tree_put(struct sq_tree *t, struct sq_node *dir, const char *name, struct sq_inode *ino)
{
    struct sq_node *old = sq_tree_child(t, dir, name);
    if (old && S_ISDIR(old->ino->mode) && S_ISDIR(ino->mode)) {
        dir_update(old->ino, ino);
        return old;
    }
    if (old)
        sq_tree_remove(t, dir, name);
    if (t->n_nodes >= t->n_bucket)
        grow(t);
    struct sq_node *n = xcalloc(1, sizeof(*n));
    n->name = xstrdup(name);
    n->parent = dir;
    n->ino = ino;
    ino->refs++;
    if (dir->n_child == dir->cap_child) {
        dir->cap_child = dir->cap_child ? dir->cap_child * 2 : 8;
        dir->child = xrealloc(dir->child, dir->cap_child * sizeof(*dir->child));
    }
    dir->child[dir->n_child++] = n;
    hash_insert(t, n);
    t->n_nodes++;
    return n;
}

static int by_name(const void *a, const void *b)
{
    return strcmp((*(struct sq_node *const *)a)->name, (*(struct sq_node *const *)b)->name);
}

void sq_node_sort(struct sq_node *dir)
{
    if (dir->n_child > 1)
        qsort(dir->child, dir->n_child, sizeof(*dir->child), by_name);
}

void sq_tree_free(struct sq_tree *t)
{
    if (t->root) {
        for (size_t i = 0; i < t->root->n_child; i++)
            node_free(t, t->root->child[i]);
        free(t->root->child);
        free(t->root->name);
        free(t->root);
    }
    for (size_t i = 0; i < t->n_inodes; i++) {
        if (t->inodes[i]->file && t->free_file)
            t->free_file(t->inodes[i]->file);
        free(t->inodes[i]->target);
        xattrs_clear(t->inodes[i]);
        free(t->inodes[i]);
    }
    free(t->inodes);
    free(t->bucket);
    memset(t, 0, sizeof(*t));
}
