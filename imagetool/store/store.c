/* Opening the store (creating its layout) and its locks. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

#define OCI_LAYOUT_JSON "{\"imageLayoutVersion\":\"1.0.0\"}"
#define EMPTY_INDEX_JSON "{\"schemaVersion\":2,\"manifests\":[]}"

char *store_path(const struct store *s, const char *rel)
{
    return path_join(s->root, rel);
}

/* Create rel with content unless it exists. link(2) publishes the complete
 * file and fails if another process got there first, so a second process
 * opening a new store never replaces an index.json that has names already. */
static int ensure_file(const struct store *s, const char *rel, const char *content, struct error **err)
{
    CLEANUP_FREE char *p = store_path(s, rel);
    if (path_exists(p))
        return 0;
    CLEANUP_FREE char *tmp = xasprintf("%s/" STORE_TMP_DIR "/new-XXXXXX", s->root);
    CLEANUP_CLOSE int fd = mkostemp(tmp, O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "create %s", tmp);
    int r = 0;
    if (write_all(fd, content, strlen(content)) < 0 || fchmod(fd, 0644) < 0 || fsync(fd) < 0)
        r = error_set(err, errno, "write %s", tmp);
    else if (link(tmp, p) < 0 && errno != EEXIST)
        r = error_set(err, errno, "create %s", p);
    unlink(tmp);
    return r;
}

/* The store holds untrusted image content (setuid binaries, file
 * capabilities, device nodes): its root and every directory that leads to
 * that content are the owner's alone. An existing store is tightened. */
#define STORE_DIR_MODE 0700

static int private_dir(const char *p, struct error **err)
{
    if (mkdir_p(p, STORE_DIR_MODE, err) < 0)
        return -1;
    struct stat st;
    if (stat(p, &st) < 0)
        return error_set(err, errno, "stat %s", p);
    if ((st.st_mode & 07777) == STORE_DIR_MODE)
        return 0;
    if (chmod(p, STORE_DIR_MODE) == 0)
        return 0;
    if (errno == EPERM || errno == EROFS) { /* another's store, or a read-only one: not ours to change */
        log_warn("store directory %s is mode %04o, not %04o: %s", p, (unsigned)(st.st_mode & 07777),
                 STORE_DIR_MODE, strerror(errno));
        return 0;
    }
    return error_set(err, errno, "chmod %s", p);
}

static int ensure_dir(const struct store *s, const char *rel, struct error **err)
{
    CLEANUP_FREE char *p = store_path(s, rel);
    return private_dir(p, err);
}

int store_open(const char *root, struct store **out, struct error **err)
{
    struct store *s = xcalloc(1, sizeof(*s));
    s->root = xstrdup(root);
    s->lock_fd = -1;
    CLEANUP_FREE char *index = store_path(s, STORE_INDEX);
    bool fresh = !path_exists(index);
    /* a store being created holds the readers' lock: gc cannot sweep its temp files */
    if (private_dir(root, err) < 0 || (fresh && store_lock(s, false, err) < 0) ||
        ensure_dir(s, STORE_TMP_DIR, err) < 0 || ensure_dir(s, "blobs", err) < 0 ||
        ensure_dir(s, STORE_BLOBS_DIR, err) < 0 || ensure_dir(s, STORE_LAYERS_DIR, err) < 0 ||
        ensure_dir(s, STORE_IMAGES_DIR, err) < 0 ||
        ensure_file(s, "oci-layout", OCI_LAYOUT_JSON, err) < 0 ||
        ensure_file(s, STORE_INDEX, EMPTY_INDEX_JSON, err) < 0) {
        store_close(s);
        return error_prefix(err, "store %s", root);
    }
    *out = s;
    return 0;
}

int store_open_existing(const char *root, struct store **out, struct error **err)
{
    CLEANUP_FREE char *index = xasprintf("%s/" STORE_INDEX, root);
    if (access(index, R_OK) < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return error_setc(err, EXIT_NOTFOUND, 0, "store %s does not exist", root);
        return error_setc(err, errno == EACCES ? EXIT_PERM : EXIT_FAIL, errno, "store %s", root);
    }
    return store_open(root, out, err);
}

void store_close(struct store *s)
{
    if (s == NULL)
        return;
    CLEANUP_ERROR struct error *err = NULL;
    if (store_batch_flush(s, &err) < 0)
        log_error("store %s: %s", s->root, err->msg);
    store_batch_free(s);
    store_unlock(s);
    free(s->root);
    free(s);
}

void store_closep(struct store **s)
{
    store_close(*s);
}

const char *store_root(const struct store *s)
{
    return s->root;
}

int store_lock(struct store *s, bool exclusive, struct error **err)
{
    enum store_lock_mode want = exclusive ? STORE_EXCLUSIVE : STORE_SHARED;
    if (s->lock == want || (want == STORE_SHARED && s->lock == STORE_EXCLUSIVE))
        return 0; /* an exclusive lock covers a reader too */
    if (s->lock_fd < 0) {
        CLEANUP_FREE char *p = store_path(s, STORE_LOCK);
        s->lock_fd = open(p, O_RDWR | O_CREAT | O_CLOEXEC, 0644);
        if (s->lock_fd < 0)
            return error_set(err, errno, "open %s", p);
    }
    /* flock converts a held lock in place (not atomically, which gc tolerates). */
    while (flock(s->lock_fd, exclusive ? LOCK_EX : LOCK_SH) < 0) {
        if (errno != EINTR)
            return error_set(err, errno, "lock %s/%s", s->root, STORE_LOCK);
    }
    s->lock = want;
    return 0;
}

int store_lock_shared_once(struct store *s, struct error **err)
{
    if (s->lock != STORE_UNLOCKED)
        return 0;
    return store_lock(s, false, err);
}

void store_unlock(struct store *s)
{
    if (s->lock_fd >= 0)
        close(s->lock_fd); /* closing the only descriptor drops the flock */
    s->lock_fd = -1;
    s->lock = STORE_UNLOCKED;
}

void store_sync_dir(const struct store *s, const char *rel)
{
    CLEANUP_FREE char *p = store_path(s, rel);
    CLEANUP_CLOSE int fd = open(p, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (fd >= 0)
        fsync(fd);
}
