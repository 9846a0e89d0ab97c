/* The part the fuzz replay tests share: feed every file of a directory to
 * LLVMFuzzerTestOneInput in a child (so an abort is one failed test, not a
 * dead suite). Each test defines fuzz_child_setup() for its sandbox. */
#ifndef TESTS_FUZZ_REPLAY_H
#define TESTS_FUZZ_REPLAY_H

#include <dirent.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "tests/unit/tap.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
static int fuzz_child_setup(void);

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
        if (fuzz_child_setup() < 0)
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
        CLEANUP_FREE char *path = xasprintf("%s/%s", dir, e->d_name);
        ok(replay(path), "%s", path);
    }
    closedir(d);
}

#endif
