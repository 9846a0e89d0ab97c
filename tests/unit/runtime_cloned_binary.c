/* CVE-2019-5736 guard: after ensure_cloned_binary the process runs from a
 * sealed memfd copy that cannot be written through /proc/self/exe. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "runtime/security/cloned_binary.h"
#include "tests/unit/tap.h"

int main(int argc, char **argv, char **envp)
{
    (void)argc;
    int rc = ensure_cloned_binary(argv, envp);
    ok(rc == 0 && running_from_sealed_copy(), "re-executed from a sealed copy");
    char link[256] = "";
    ssize_t n = readlink("/proc/self/exe", link, sizeof(link) - 1);
    link[n > 0 ? n : 0] = '\0';
    ok(strncmp(link, "/memfd:", 7) == 0, "/proc/self/exe is the memfd, not the file on disk");
    errno = 0;
    int w = open("/proc/self/exe", O_WRONLY | O_CLOEXEC);
    ok(w < 0, "/proc/self/exe cannot be opened for writing");
    int r = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    ok(r >= 0 && pwrite(r, "x", 1, 0) < 0, "nor written through a read-only fd");
    ok(r >= 0 && ftruncate(r, 0) < 0, "nor truncated");
    ok(r >= 0 && mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED, r, 0) == MAP_FAILED,
       "nor mapped shared and writable");
    return tap_done();
}
