/* Replays the fuzz seeds and every input the fuzzers ever crashed on
 * (tests/fuzz/regressions/<target>/) through the targets, built here with
 * the normal compiler (and ASan under SANITIZE=1). Run from the project root. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/fs.h"
#include "tests/fuzz/fuzz_spec.c"
#include "tests/unit/tap.h"

/* One input in a child, so an abort is one failed test, not a dead suite. */
static int replay(const char *path)
{
    pid_t pid = fork();
    if (pid == 0) {
        char *buf = NULL;
        size_t len = 0;
        struct error *err = NULL;
        if (read_file(path, &buf, &len, &err) < 0)
            _exit(2);
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        free(buf);
        _exit(0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

static void replay_dir(const char *dir)
{
    DIR *d = opendir(dir);
    if (d == NULL)
        return;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (e->d_name[0] == '.')
            continue;
        char *path = xasprintf("%s/%s", dir, e->d_name);
        ok(replay(path), "%s", path);
        free(path);
    }
    closedir(d);
}

int main(void)
{
    replay_dir("tests/fuzz/corpus/spec");
    replay_dir("tests/fuzz/regressions/spec");
    ok(tap_n >= 5, "found the seeds and the regression inputs");
    return tap_done();
}
