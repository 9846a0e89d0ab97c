/* Replays the layer fuzz seeds and every input the layer fuzzer ever
 * crashed on (tests/fuzz/regressions/layer/) through the target, in the
 * target's own sandbox (private /tmp, nobody). Run from the project root. */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "tests/fuzz/fuzz_layer.c"
#include "tests/unit/tap.h"

static int replay(const char *path)
{
    char *buf = NULL;
    size_t len = 0;
    struct error *err = NULL;
    if (read_file(path, &buf, &len, &err) < 0) {
        error_free(err);
        return 0;
    }
    pid_t pid = fork();
    if (pid == 0) {
        if (fuzz_layer_sandbox() < 0)
            _exit(2);
        LLVMFuzzerTestOneInput((const uint8_t *)buf, len);
        _exit(0);
    }
    free(buf);
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
    if (geteuid() != 0) {
        printf("1..0 # SKIP the layer sandbox needs root\n");
        return 0;
    }
    replay_dir("tests/fuzz/corpus/layer");
    replay_dir("tests/fuzz/regressions/layer");
    ok(tap_n >= 4, "found the seeds and the regression inputs");
    return tap_done();
}
