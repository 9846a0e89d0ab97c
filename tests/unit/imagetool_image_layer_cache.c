/* Unit tests (TAP) for the store's extracted-layer cache and its gc:
 * store_layer_ensure on a real tar, twice, racing, with a bad diff_id. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/store/store.h"
#include "tests/unit/tap.h"

static bool dir_empty(const char *path)
{
    CLEANUP_CLOSEDIR DIR *d = opendir(path);
    struct dirent *de;
    while (d && (de = readdir(d)) != NULL)
        if (strcmp(de->d_name, ".") != 0 && strcmp(de->d_name, "..") != 0)
            return false;
    return d != NULL;
}

/* A layer tar with a file and a whiteout; its blob digest (= diff_id). */
static int make_layer(struct store *s, const char *work, const char *content, char digest[DIGEST_STR_LEN + 1])
{
    CLEANUP_FREE char *cmd = xasprintf("set -e; rm -rf %s/src; mkdir -p %s/src/etc; echo %s >%s/src/etc/motd;"
                                       " touch %s/src/etc/.wh.gone; tar -C %s/src -cf %s/layer.tar etc",
                                       work, work, content, work, work, work, work);
    if (system(cmd) != 0)
        return -1;
    CLEANUP_FREE char *tar = xasprintf("%s/layer.tar", work), *buf = NULL;
    size_t len = 0;
    if (read_file(tar, &buf, &len, NULL) < 0)
        return -1;
    if (store_put_blob(s, buf, len, NULL, digest, NULL) < 0)
        return -1;
    return store_flush(s, NULL); /* the children open the store on their own */
}

/* store_layer_ensure as a walk of one layer does it: made, then named. */
static int ensure_layer(struct store *s, const struct store_layer *l, char **dir, struct error **err)
{
    struct store_made made = { 0 };
    char *paths[2] = { NULL, NULL };
    int r = store_layer_ensure(s, l, &made, &paths[0], err);
    if (r == 0)
        r = store_made_commit(s, &made, paths, err);
    else
        store_made_abort(&made);
    *dir = paths[0];
    return r;
}

static int ensure_in_child(const char *root, const char *digest)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct store *s = NULL;
        char *dir = NULL;
        struct store_layer l = { .blob_digest = digest, .diff_id = digest };
        _exit(store_open(root, &s, NULL) == 0 && ensure_layer(s, &l, &dir, NULL) == 0 ? 0 : 1);
    }
    return pid;
}

int main(void)
{
    char work[] = "/tmp/imagetool-layer-cache-XXXXXX";
    if (mkdtemp(work) == NULL)
        return 1;
    CLEANUP_FREE char *root = xasprintf("%s/store", work);
    struct store *s = NULL;
    char d1[DIGEST_STR_LEN + 1], d2[DIGEST_STR_LEN + 1];
    ok(store_open(root, &s, NULL) == 0 && make_layer(s, work, "one", d1) == 0, "store and layer blob");

    CLEANUP_FREE char *dir = NULL, *again = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    struct store_layer l1 = { .blob_digest = d1, .diff_id = d1 };
    ok(ensure_layer(s, &l1, &dir, &err) == 0, "layer extracted");
    CLEANUP_FREE char *want = xasprintf("%s/layers/%s", root, digest_hex(d1));
    ok(dir && strcmp(dir, want) == 0, "under layers/<diff_id hex>");
    CLEANUP_FREE char *motd = xasprintf("%s/etc/motd", want), *gone = xasprintf("%s/etc/gone", want);
    struct stat st;
    ok(stat(motd, &st) == 0 && S_ISREG(st.st_mode), "file present");
    ok(lstat(gone, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0),
       "whiteout in overlayfs form (0:0 char device)");
    ok(ensure_layer(s, &l1, &again, &err) == 0 && strcmp(again, dir) == 0, "second ensure reuses it");

    ok(make_layer(s, work, "two", d2) == 0, "second layer blob");
    int a = ensure_in_child(root, d2), b = ensure_in_child(root, d2), sa = -1, sb = -1;
    waitpid(a, &sa, 0);
    waitpid(b, &sb, 0);
    ok(sa == 0 && sb == 0, "two processes extracting the same layer both succeed");
    CLEANUP_FREE char *tmp = xasprintf("%s/tmp", root);
    ok(dir_empty(tmp), "no temp extraction left behind");

    char bad[] = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    CLEANUP_FREE char *bad_dir = NULL;
    CLEANUP_ERROR struct error *err2 = NULL;
    CLEANUP_FREE char *bad_path = xasprintf("%s/layers/%s", root, digest_hex(bad));
    struct store_layer lbad = { .blob_digest = d1, .diff_id = bad };
    ok(ensure_layer(s, &lbad, &bad_dir, &err2) < 0 && err2 && err2->exit_class == EXIT_INVALID,
       "a diff_id mismatch is invalid input");
    ok(!path_exists(bad_path) && dir_empty(tmp), "and leaves no layer and no temp dir");

    uint64_t bytes = 0;
    size_t blobs = 0;
    CLEANUP_FREE char *layers = xasprintf("%s/layers", root);
    ok(store_gc(s, &bytes, &blobs, &err) == 0 && blobs == 2 && dir_empty(layers),
       "gc with no names drops both blobs and both cached layers");
    store_close(s);
    rm_rf(work, NULL);
    return tap_done();
}
