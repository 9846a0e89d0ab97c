/* fs helpers: atomic writes, rm_rf that never follows symlinks, and
 * resolution beneath a root that symlinks and ".." cannot leave. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "tap.h"

static char tmp[] = "/tmp/common_fs.XXXXXX";

static void test_atomic_write(void)
{
    CLEANUP_FREE char *p = path_join(tmp, "f.json");
    CLEANUP_ERROR struct error *err = NULL;
    ok(write_file_atomic(p, "hello", 5, 0600, &err) == 0, "write_file_atomic");
    CLEANUP_FREE char *buf = NULL;
    size_t len = 0;
    ok(read_file(p, &buf, &len, &err) == 0 && len == 5 && strcmp(buf, "hello") == 0, "read back");
    struct stat st;
    ok(stat(p, &st) == 0 && (st.st_mode & 0777) == 0600, "mode applied");
}

static void test_in_root(void)
{
    CLEANUP_FREE char *root = path_join(tmp, "root");
    CLEANUP_FREE char *outside = path_join(tmp, "outside");
    CLEANUP_ERROR struct error *err = NULL;
    mkdir_p(root, 0755, &err);
    mkdir_p(outside, 0755, &err);
    CLEANUP_FREE char *link = path_join(root, "escape");
    ok(symlink(outside, link) == 0, "symlink to outside made");
    CLEANUP_CLOSE int rootfd = open(root, O_PATH | O_DIRECTORY | O_CLOEXEC);
    CLEANUP_FREE char *rel = xasprintf("%s/a", outside);
    CLEANUP_FREE char *inner = path_join(root, outside);
    mkdir_p(inner, 0755, &err);
    CLEANUP_CLOSE int dfd = mkdir_p_in_root(rootfd, "/escape/a/b", 0755);
    CLEANUP_FREE char *landed = xasprintf("%s/a/b", inner);
    ok(dfd >= 0 && path_exists(landed), "mkdir_p_in_root follows a symlink as if the root were /");
    ok(!path_exists(rel), "nothing created outside the root");
    CLEANUP_CLOSE int fd = open_in_root(rootfd, "../../..", O_PATH | O_DIRECTORY, 0);
    struct stat a, b;
    ok(fd >= 0 && fstat(fd, &a) == 0 && fstat(rootfd, &b) == 0 && a.st_ino == b.st_ino,
       "'..' above the root stays at the root");
}

static void test_rm_rf(void)
{
    CLEANUP_FREE char *victim = path_join(tmp, "victim");
    CLEANUP_FREE char *keep = path_join(tmp, "keep");
    CLEANUP_FREE char *keepfile = path_join(keep, "file");
    CLEANUP_ERROR struct error *err = NULL;
    mkdir_p(victim, 0755, &err);
    mkdir_p(keep, 0755, &err);
    write_file_atomic(keepfile, "x", 1, 0644, &err);
    CLEANUP_FREE char *link = path_join(victim, "link");
    symlink(keep, link);
    ok(rm_rf(victim, &err) == 0 && !path_exists(victim), "rm_rf removes the tree");
    ok(path_exists(keepfile), "rm_rf does not follow symlinks");
    ok(rm_rf(victim, &err) == 0, "rm_rf of a missing path is fine");
}

static void test_digest(void)
{
    char d[DIGEST_STR_LEN + 1];
    sha256_buf("abc", 3, d);
    is_str(d, "sha256:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "sha256 of abc");
    ok(digest_is_valid(d), "valid digest");
    ok(!digest_is_valid("sha256:ABC"), "short/uppercase digest rejected");
    ok(!digest_is_valid("sha512:ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"),
       "other algorithm rejected");
}

int main(void)
{
    if (mkdtemp(tmp) == NULL)
        return 1;
    test_atomic_write();
    test_in_root();
    test_rm_rf();
    test_digest();
    CLEANUP_ERROR struct error *err = NULL;
    rm_rf(tmp, &err);
    return tap_done();
}
