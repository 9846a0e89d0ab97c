/* write_file_atomic, the one writer of state.json, pid files and bundles'
 * config.json: symlinks at the temporary name or at the path itself are
 * never followed. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "tap.h"

static char tmp[] = "/tmp/common_atomic_write.XXXXXX";

static bool file_is(const char *path, const char *want)
{
    CLEANUP_FREE char *got = NULL;
    return read_file(path, &got, NULL, NULL) == 0 && strcmp(got, want) == 0;
}

int main(void)
{
    if (mkdtemp(tmp) == NULL)
        return 1;
    CLEANUP_FREE char *victim = path_join(tmp, "victim");
    CLEANUP_FREE char *path = path_join(tmp, "state.json");
    CLEANUP_ERROR struct error *err = NULL;
    ok(write_file_atomic(victim, "precious", 8, 0644, &err) == 0, "victim written");
    /* the names a pid-based writer would pick */
    CLEANUP_FREE char *guess = xasprintf("%s.tmp-%d", path, (int)getpid());
    CLEANUP_FREE char *guess2 = xasprintf("%s.tmp-XXXXXX", path);
    ok(symlink(victim, guess) == 0 && symlink(victim, guess2) == 0, "links planted at guessable names");
    ok(write_file_atomic(path, "{}", 2, 0600, &err) == 0, "write beside the planted links");
    ok(file_is(victim, "precious"), "the victim is untouched");
    ok(file_is(path, "{}"), "the file has the new content");
    struct stat st;
    ok(lstat(path, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 0777) == 0600, "a regular file, mode 0600");
    ok(unlink(path) == 0 && symlink(victim, path) == 0, "path replaced by a symlink to the victim");
    ok(write_file_atomic(path, "123", 3, 0644, &err) == 0, "write over the symlink");
    ok(lstat(path, &st) == 0 && S_ISREG(st.st_mode), "the symlink was replaced, not followed");
    ok(file_is(victim, "precious"), "the victim is still untouched");
    rm_rf(tmp, &err);
    return tap_done();
}
