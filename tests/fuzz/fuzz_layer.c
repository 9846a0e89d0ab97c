/* libFuzzer target: the layer unpacker (layer_apply) on arbitrary bytes, in
 * both whiteout modes. Whatever the input, nothing may appear outside the
 * target directory.
 *
 * The process first moves into its own mount namespace with fresh tmpfs on
 * /tmp, /var/tmp and /dev/shm (so any stray file there is an escape, not
 * another test's) and then gives up root for nobody (no device nodes, no
 * chown, no writing host files even if an escape were found).
 *
 * fuzz-sources: common imagetool/layer imagetool/archive_filters.c
 * fuzz-libs: libarchive yajl nettle libisal
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <sched.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "imagetool/layer/layer.h"

#define SANDBOX "/tmp/fuzz-layer"
#define TARGET_NAME "root"

static const char *const scratch_dirs[] = { "/tmp", "/var/tmp", "/dev/shm" };

/* 0 on success; the fuzzer refuses to run rather than fuzz as root on the host. */
int fuzz_layer_sandbox(void)
{
    if (geteuid() == 0) {
        if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
            return -1;
        for (size_t i = 0; i < sizeof(scratch_dirs) / sizeof(scratch_dirs[0]); i++)
            if (mount("tmpfs", scratch_dirs[i], "tmpfs", MS_NOSUID | MS_NODEV, "mode=1777,size=256m") < 0)
                return -1;
        if (setgroups(0, NULL) < 0 || setresgid(65534, 65534, 65534) < 0 || setresuid(65534, 65534, 65534) < 0)
            return -1;
    }
    if (mkdir(SANDBOX, 0700) < 0 && errno != EEXIST)
        return -1;
    return 0;
}

/* Anything in the scratch directories but the sandbox, or in the sandbox
 * but the target, came from an entry that got out. */
static int only_entry(const char *dir, const char *allowed)
{
    CLEANUP_CLOSEDIR DIR *d = opendir(dir);
    if (d == NULL)
        return 1;
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
            continue;
        if (allowed == NULL || strcmp(e->d_name, allowed) != 0) {
            fprintf(stderr, "escape: %s/%s appeared\n", dir, e->d_name);
            return 0;
        }
    }
    return 1;
}

static void check_nothing_escaped(void)
{
    if (!only_entry("/tmp", "fuzz-layer") || !only_entry(SANDBOX, TARGET_NAME) ||
        !only_entry("/var/tmp", NULL) || !only_entry("/dev/shm", NULL))
        abort();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
    (void)argc;
    (void)argv;
    if (fuzz_layer_sandbox() < 0) {
        perror("fuzz_layer: sandbox");
        exit(1);
    }
    return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    CLEANUP_CLOSE int blob = memfd_create("layer", MFD_CLOEXEC);
    if (blob < 0 || write_all(blob, data, size) < 0 || lseek(blob, 0, SEEK_SET) < 0)
        abort();
    CLEANUP_CLOSE int sandbox = open(SANDBOX, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (sandbox < 0 || (mkdirat(sandbox, TARGET_NAME, 0755) < 0 && errno != EEXIST))
        abort();
    int target = openat(sandbox, TARGET_NAME, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (target < 0)
        abort();
    struct error *err = NULL;
    enum whiteout_mode mode = size % 2 ? WHITEOUT_OVERLAY : WHITEOUT_APPLY;
    if (layer_apply(blob, target, NULL, mode, &err) < 0 && (err == NULL || err->msg == NULL))
        abort(); /* a failure must say why */
    error_free(err);
    close(target);
    check_nothing_escaped();
    struct error *rm_err = NULL;
    if (rm_rf_at(sandbox, TARGET_NAME, &rm_err) < 0) {
        /* modes the layer set (a 0000 directory) may block our cleanup as nobody */
        error_free(rm_err);
        if (system("chmod -R u+rwx " SANDBOX "/" TARGET_NAME " && rm -rf " SANDBOX "/" TARGET_NAME) != 0)
            abort();
    }
    return 0;
}
