/* oci:DIR[:TAG]: an OCI image layout directory. Blobs are opened beneath
 * DIR (blobs that are symlinks resolve inside it) and verified as copied. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/sources/copy.h"
#include "imagetool/sources/import.h"

struct layout {
    int dirfd;
    const char *dir;
};

/* A checkout without symlink support (git core.symlinks=false) turns a
 * blob symlink into a small file holding the target ("../../rootfs.tar.gz").
 * Such a file is followed once, beneath the layout; the digest check on the
 * content still decides. */
static int follow_flattened_link(const struct layout *l, int fd, const char *digest)
{
    struct stat st;
    char target[512], got[DIGEST_STR_LEN + 1];
    if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || st.st_size == 0 || st.st_size >= (off_t)sizeof(target))
        return fd;
    ssize_t n = pread(fd, target, sizeof(target) - 1, 0);
    if (n != st.st_size)
        return fd;
    target[n] = '\0';
    sha256_buf(target, (size_t)n, got);
    if (strcmp(got, digest) == 0 || strlen(target) != (size_t)n || strpbrk(target, "\n\r"))
        return fd;
    CLEANUP_FREE char *rel = xasprintf("blobs/sha256/%s", target);
    int linked = open_source_file(l->dirfd, rel, EXIT_NOTFOUND, rel, NULL);
    if (linked < 0)
        return fd;
    close(fd);
    return linked;
}

static int open_blob(const struct layout *l, const char *digest, struct error **err)
{
    CLEANUP_FREE char *rel = xasprintf("blobs/sha256/%s", digest_hex(digest));
    CLEANUP_FREE char *what = xasprintf("%s: %s", l->dir, rel);
    int fd = open_source_file(l->dirfd, rel, EXIT_NOTFOUND, what, err);
    if (fd < 0)
        return -1;
    return follow_flattened_link(l, fd, digest);
}

static int layout_read(void *ctx, const struct descriptor *d, char **buf, size_t *len, struct error **err)
{
    CLEANUP_CLOSE int fd = open_blob(ctx, d->digest, err);
    if (fd < 0 || read_all_fd(fd, buf, len, err) < 0)
        return -1;
    if (verify_blob(d, *buf, *len, err) < 0) {
        free(*buf);
        *buf = NULL;
        return -1;
    }
    return 0;
}

static int layout_ensure(void *ctx, struct store *s, const struct descriptor *d, struct error **err)
{
    if (store_has_blob(s, d->digest))
        return 0;
    CLEANUP_CLOSE int fd = open_blob(ctx, d->digest, err);
    if (fd < 0)
        return -1;
    int r = store_blob_adopt(s, fd, d->digest, d->size, err); /* same file system: no copy */
    if (r != 0)
        return r < 0 ? -1 : 0;
    if (lseek(fd, 0, SEEK_SET) < 0)
        return error_set(err, errno, "blob %s", d->digest);
    return copy_fd_to_store(s, fd, d, err);
}

/* DIR[:TAG], split at the first colon like skopeo, unless DIR alone is not
 * a directory and the whole string is. */
static void split_ref(const char *rest, char **dir, char **tag)
{
    const char *colon = strchr(rest, ':');
    struct stat st;
    if (colon == NULL || (stat(rest, &st) == 0 && S_ISDIR(st.st_mode))) {
        *dir = xstrdup(rest);
        *tag = NULL;
        return;
    }
    *dir = strndup(rest, (size_t)(colon - rest));
    *tag = colon[1] ? xstrdup(colon + 1) : NULL;
}

static int oci_layout_import(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                             struct error **err)
{
    CLEANUP_FREE char *dir = NULL, *tag = NULL;
    split_ref(rest, &dir, &tag);
    CLEANUP_CLOSE int dirfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0 && errno == ENOTDIR)
        return error_setc(err, EXIT_INVALID, 0, "oci:%s: not a directory (an OCI image layout); use oci-archive: for a tar",
                          dir);
    if (dirfd < 0)
        return error_set(err, errno, "oci:%s: open", dir);
    if (faccessat(dirfd, "index.json", F_OK, AT_SYMLINK_NOFOLLOW) < 0 && errno == ENOENT)
        return error_setc(err, EXIT_INVALID, 0, "oci:%s: not an OCI image layout: no index.json", dir);
    CLEANUP_FREE char *what = xasprintf("oci:%s: index.json", dir);
    CLEANUP_CLOSE int ifd = open_source_file(dirfd, "index.json", EXIT_INVALID, what, err);
    if (ifd < 0)
        return -1;
    CLEANUP_FREE char *index = NULL;
    size_t len = 0;
    if (read_all_fd(ifd, &index, &len, err) < 0)
        return error_prefix(err, "oci:%s: index.json", dir);
    struct layout l = { dirfd, dir };
    struct blob_provider bp = { &l, layout_read, layout_ensure, false };
    CLEANUP_FREE char *source = source_string("oci", dir, NULL);
    if (oci_index_import(s, &bp, index, len, tag, source, o, out, err) < 0)
        return error_prefix(err, "oci:%s", dir);
    return 0;
}

const struct source source_oci_layout = { .transport = "oci", .import = oci_layout_import };
