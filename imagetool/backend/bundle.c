/* Bundle directories: prepare, discard after a failure, remove. */
#include <dirent.h>
#include <errno.h>
#include <libgen.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "common/log.h"
#include "imagetool/backend/bundle.h"

/* A bundle's rootfs is untrusted image content (setuid binaries, 0666
 * device nodes): the bundle directory is the owner's alone, so no other
 * local user can reach it. */
#define BUNDLE_DIR_MODE 0700

static int private_bundle(const char *path, struct error **err)
{
    if (chmod(path, BUNDLE_DIR_MODE) < 0)
        return error_set(err, errno, "bundle: chmod %s", path);
    return 0;
}

int bundle_sync(const char *path, struct error **err)
{
    CLEANUP_FREE char *record = path_join(path, BUNDLE_RECORD);
    CLEANUP_FREE char *config = path_join(path, "config.json");
    CLEANUP_FREE char *copy = xstrdup(path);
    const char *parent = dirname(copy);
    const char *paths[] = { record, config, path, parent };
    return fsync_batch(paths, sizeof(paths) / sizeof(paths[0]), err);
}

int bundle_prepare(const char *path, bool *created, struct error **err)
{
    struct stat st;
    *created = false;
    if (lstat(path, &st) == 0) {
        if (!S_ISDIR(st.st_mode))
            return error_setc(err, EXIT_STATE, 0, "bundle %s exists and is not a directory", path);
        int empty = dir_is_empty(path);
        if (empty < 0)
            return error_set(err, errno, "open bundle %s", path);
        if (!empty)
            return error_setc(err, EXIT_STATE, 0, "bundle %s exists and is not empty", path);
        return private_bundle(path, err);
    }
    if (errno != ENOENT)
        return error_set(err, errno, "bundle %s", path);
    if (mkdir_p(path, 0755, err) < 0)
        return error_prefix(err, "bundle");
    *created = true;
    return private_bundle(path, err);
}

static const char *const bundle_entries[] = { "config.json", BUNDLE_ROOTFS, OVERLAY_DIR, BUNDLE_RECORD };

void bundle_discard(const char *path, bool created, const struct backend *b)
{
    CLEANUP_ERROR struct error *err = NULL;
    if (b && b->release(path, &err) < 0) {
        log_error("leaving %s in place: %s", path, err->msg);
        return;
    }
    if (created) {
        if (rm_rf(path, &err) < 0)
            log_error("removing %s: %s", path, err->msg);
        return;
    }
    for (size_t i = 0; i < sizeof(bundle_entries) / sizeof(bundle_entries[0]); i++) {
        CLEANUP_FREE char *p = path_join(path, bundle_entries[i]);
        if (rm_rf(p, &err) < 0) {
            log_error("removing %s: %s", p, err->msg);
            error_free(TAKE_PTR(err));
        }
    }
}

int bundle_remove(const char *path, struct error **err)
{
    const struct backend *b;
    if (bundle_record_read(path, &b, err) < 0)
        return -1;
    int pid = bundle_user_pid(path);
    if (pid > 0)
        return error_setc(err, EXIT_STATE, 0, "bundle %s is in use: process %d has its root there", path, pid);
    if (b->release(path, err) < 0)
        return -1;
    return rm_rf(path, err);
}
