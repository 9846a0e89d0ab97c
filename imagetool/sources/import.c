/* Naming and checking what a source imported. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/sources/import.h"

int import_tag(struct store *s, const struct import_opts *o, const char *derived_name, const char *digest,
               const char *media_type, uint64_t size, struct imported *out, struct error **err)
{
    const char *name = o->name ? o->name : derived_name;
    if (store_tag(s, name, digest, media_type, size, err) < 0)
        return -1;
    memcpy(out->manifest_digest, digest, DIGEST_STR_LEN + 1);
    free(out->name);
    out->name = name ? store_name_normalise(name) : NULL;
    return 0;
}

char *oci_ref_store_name(const char *source_without_tag, const char *ref_name)
{
    if (strpbrk(ref_name, "/:@"))
        return xstrdup(ref_name);
    return xasprintf("%s:%s", source_without_tag, ref_name);
}

char *source_string(const char *transport, const char *path, const char *ref)
{
    CLEANUP_FREE char *abs = realpath(path, NULL);
    return xasprintf("%s:%s%s%s", transport, abs ? abs : path, ref ? ":" : "", ref ? ref : "");
}

int verify_blob(const struct descriptor *d, const char *buf, size_t len, struct error **err)
{
    char got[DIGEST_STR_LEN + 1];
    sha256_buf(buf, len, got);
    if (strcmp(got, d->digest) != 0)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: digest mismatch, content has %s", d->digest, got);
    if (d->size && d->size != len)
        return error_setc(err, EXIT_INVALID, 0, "blob %s: %zu bytes, descriptor says %llu", d->digest, len,
                          (unsigned long long)d->size);
    return 0;
}

static const char *file_kind(mode_t mode)
{
    switch (mode & S_IFMT) {
    case S_IFDIR: return "a directory";
    case S_IFIFO: return "a FIFO";
    case S_IFCHR: return "a character device";
    case S_IFBLK: return "a block device";
    case S_IFSOCK: return "a socket";
    default: return "not a regular file";
    }
}

int open_source_file(int dirfd, const char *rel, int missing, const char *what, struct error **err)
{
    int fd = open_in_root(dirfd, rel, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY, 0);
    if (fd < 0 && errno == ENOENT)
        return error_setc(err, missing, errno, "%s", what);
    if (fd < 0)
        return error_set(err, errno, "%s", what);
    struct stat st;
    if (fstat(fd, &st) < 0 || fcntl(fd, F_SETFL, 0) < 0) {
        int e = errno;
        close(fd);
        return error_set(err, e, "%s", what);
    }
    if (!S_ISREG(st.st_mode)) {
        close(fd);
        return error_setc(err, EXIT_INVALID, 0, "%s is %s, not a regular file", what, file_kind(st.st_mode));
    }
    return fd;
}
