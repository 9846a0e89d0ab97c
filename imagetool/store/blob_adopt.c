/* A blob that is already a file on the store's file system (an oci: layout)
 * enters the store without its bytes being copied: a reflink (FICLONE) into
 * tmp/ where the file system shares extents (btrfs, xfs), else a hard link
 * when the file is the importer's own and nobody else may write it. Either
 * way its digest and size are verified first, from the bytes that get the
 * name (the clone, or the linked inode after fdatasync). */
#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

static int check(int fd, const char *expected, uint64_t size, struct error **err)
{
    char got[DIGEST_STR_LEN + 1];
    struct stat st;
    if (fstat(fd, &st) < 0 || lseek(fd, 0, SEEK_SET) < 0 || sha256_fd(fd, got, err) < 0)
        return error_set(err, errno, "blob %s", expected);
    if (strcmp(got, expected) != 0)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: digest mismatch, content has %s", expected, got);
    if (size && (uint64_t)st.st_size != size)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: %llu bytes, descriptor says %llu", expected,
                          (unsigned long long)st.st_size, (unsigned long long)size);
    return 0;
}

/* 1: cloned and stored; 0: no reflinks here. */
static int adopt_clone(struct store *s, int fd, const char *expected, uint64_t size, struct error **err)
{
    struct blob_writer *w = NULL;
    if (store_blob_begin(s, expected, &w, err) < 0)
        return -1;
    if (ioctl(blob_writer_fd(w), FICLONE, fd) < 0) {
        store_blob_abort(w);
        return 0;
    }
    if (check(blob_writer_fd(w), expected, size, err) < 0) {
        store_blob_abort(w);
        return -1;
    }
    return store_blob_commit_verified(w, err) < 0 ? -1 : 1;
}

/* Only a file nobody but us can change keeps its content once linked. */
static bool linkable(const struct stat *st)
{
    return S_ISREG(st->st_mode) && st->st_uid == geteuid() && (st->st_mode & (S_IWGRP | S_IWOTH)) == 0;
}

/* 1: linked; 0: not linkable (another file system, not ours). */
static int adopt_link(struct store *s, int fd, const char *expected, uint64_t size, struct error **err)
{
    struct stat st, dir;
    CLEANUP_FREE char *blobs = xasprintf("%s/" STORE_BLOBS_DIR, s->root);
    if (fstat(fd, &st) < 0 || stat(blobs, &dir) < 0 || st.st_dev != dir.st_dev || !linkable(&st))
        return 0;
    if (store_lock_shared_once(s, err) < 0 || check(fd, expected, size, err) < 0)
        return -1;
    if (fdatasync(fd) < 0)
        return error_set(err, errno, "sync blob %s", expected);
    CLEANUP_FREE char *dest = store_blob_path(s, expected), *proc = xasprintf("/proc/self/fd/%d", fd);
    if (linkat(AT_FDCWD, proc, AT_FDCWD, dest, AT_SYMLINK_FOLLOW) == 0) {
        s->blobs_linked = true;
        return 1;
    }
    if (errno == EEXIST)
        return 1;
    if (errno == EXDEV || errno == EPERM)
        return 0;
    return error_set(err, errno, "link blob %s", expected);
}

int store_blob_adopt(struct store *s, int fd, const char *expected, uint64_t size, struct error **err)
{
    if (!digest_is_valid(expected))
        return error_setc(err, EXIT_INVALID, 0, "unsupported or malformed digest '%s'", expected);
    int r = adopt_clone(s, fd, expected, size, err);
    if (r != 0)
        return r;
    return adopt_link(s, fd, expected, size, err);
}
