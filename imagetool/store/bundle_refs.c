#include <dirent.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

#define STORE_BUNDLES_DIR "bundles"

int store_bundle_ref_add(struct store *s, const char *bundle, const char *record, char *const *dirs, bool durable,
                         struct error **err)
{
    CLEANUP_FREE char *real = realpath(bundle, NULL);
    if (real == NULL)
        return error_set(err, errno, "bundle %s", bundle);
    char name[DIGEST_STR_LEN + 1];
    sha256_buf(real, strlen(real), name);
    CLEANUP_FREE char *dir = store_path(s, STORE_BUNDLES_DIR);
    if (mkdir_p(dir, 0700, err) < 0)
        return -1;
    CLEANUP_FREE char *list = strv_join(dirs, "\n");
    CLEANUP_FREE char *text = xasprintf("%s/%s\n%s\n", real, record, list);
    CLEANUP_FREE char *path = path_join(dir, digest_hex(name));
    return durable ? write_file_atomic(path, text, strlen(text), 0600, err)
                   : write_file_atomic_unsynced(path, text, strlen(text), 0600, err);
}

/* 1: the ref names dir; 0: it does not; -1: its bundle is gone. */
static int ref_uses(const char *ref, const char *dir)
{
    CLEANUP_FREE char *text = NULL;
    size_t len;
    CLEANUP_ERROR struct error *ignored = NULL;
    if (read_file(ref, &text, &len, &ignored) < 0)
        return 0;
    char *save = NULL, *record = strtok_r(text, "\n", &save);
    if (record == NULL || !path_exists(record))
        return -1;
    for (char *l = strtok_r(NULL, "\n", &save); l; l = strtok_r(NULL, "\n", &save))
        if (strcmp(l, dir) == 0)
            return 1;
    return 0;
}

bool store_bundle_refs_use(struct store *s, const char *dir)
{
    CLEANUP_FREE char *refs = store_path(s, STORE_BUNDLES_DIR);
    CLEANUP_CLOSEDIR DIR *d = opendir(refs);
    struct dirent *de;
    bool used = false;
    while (d && (de = readdir(d)) != NULL) {
        if (de->d_name[0] == '.')
            continue;
        CLEANUP_FREE char *ref = path_join(refs, de->d_name);
        int r = ref_uses(ref, dir);
        if (r < 0)
            unlink(ref);
        used = used || r == 1;
    }
    return used;
}
