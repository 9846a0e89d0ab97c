/* open_beneath: nothing resolves outside the directory (sysctl files are
 * opened this way beneath /proc/sys). */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "tap.h"

static char tmp[] = "/tmp/common_open_beneath.XXXXXX";

int main(void)
{
    if (mkdtemp(tmp) == NULL)
        return 1;
    CLEANUP_FREE char *dir = path_join(tmp, "dir");
    CLEANUP_FREE char *sub = path_join(tmp, "dir/sub");
    CLEANUP_FREE char *inside = path_join(tmp, "dir/sub/f");
    CLEANUP_FREE char *outside = path_join(tmp, "secret");
    CLEANUP_FREE char *link = path_join(tmp, "dir/link");
    mkdir(dir, 0755);
    mkdir(sub, 0755);
    close(open(inside, O_CREAT | O_WRONLY, 0644));
    close(open(outside, O_CREAT | O_WRONLY, 0644));
    ok(symlink(outside, link) == 0, "symlink to a file outside made");
    CLEANUP_CLOSE int dfd = open(dir, O_PATH | O_DIRECTORY | O_CLOEXEC);

    int fd = open_beneath(dfd, "sub/f", O_RDONLY);
    ok(fd >= 0, "a plain path opens");
    close(fd);
    fd = open_beneath(dfd, "sub/../sub/f", O_RDONLY);
    ok(fd >= 0 || errno == EXDEV, "\"..\" that stays beneath opens (or is refused without openat2)");
    if (fd >= 0)
        close(fd);
    errno = 0;
    ok(open_beneath(dfd, "../secret", O_RDONLY) < 0 && errno == EXDEV, "\"..\" above the directory: EXDEV");
    errno = 0;
    ok(open_beneath(dfd, "sub/../../secret", O_RDONLY) < 0 && errno == EXDEV, "deeper \"..\" climbing out: EXDEV");
    errno = 0;
    ok(open_beneath(dfd, outside, O_RDONLY) < 0 && errno == EXDEV, "an absolute path: EXDEV");
    errno = 0;
    ok(open_beneath(dfd, "link", O_RDONLY) < 0 && errno == ELOOP, "a symlink: ELOOP");
    errno = 0;
    ok(open_beneath(dfd, "missing", O_RDONLY) < 0 && errno == ENOENT, "missing: ENOENT");
    CLEANUP_ERROR struct error *err = NULL;
    rm_rf(tmp, &err);
    return tap_done();
}
