#include "cloned_binary.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/sendfile.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

#ifndef MFD_EXEC
#define MFD_EXEC 0x0010U
#endif

#define REQUIRED_SEALS (F_SEAL_SEAL | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE)
/* Set across the re-exec only to stop a loop if sealing silently failed. */
#define REEXEC_MARK "_RUNTIME_SEALED_REEXEC"

bool running_from_sealed_copy(void)
{
    CLEANUP_CLOSE int fd = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (fd < 0)
        return false;
    int seals = fcntl(fd, F_GET_SEALS);
    return seals >= 0 && (seals & REQUIRED_SEALS) == REQUIRED_SEALS;
}

static int new_memfd(void)
{
    /* Hosts with vm.memfd_noexec want MFD_EXEC said out loud; older
     * kernels refuse the flag. */
    int fd = memfd_create("runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_EXEC);
    if (fd < 0 && errno == EINVAL)
        fd = memfd_create("runtime", MFD_CLOEXEC | MFD_ALLOW_SEALING);
    return fd;
}

static int copy_all(int from, int to)
{
    struct stat st;
    if (fstat(from, &st) < 0)
        return -1;
    off_t off = 0;
    while (off < st.st_size) {
        ssize_t n = sendfile(to, from, &off, (size_t)(st.st_size - off));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return n == 0 ? (errno = EIO, -1) : -1;
    }
    return 0;
}

static int sealed_copy_from(int self)
{
    CLEANUP_CLOSE int mem = new_memfd();
    if (mem < 0 || copy_all(self, mem) < 0)
        return -1;
    if (fcntl(mem, F_ADD_SEALS, REQUIRED_SEALS) < 0)
        return -1;
    return TAKE_FD(mem);
}

/* The kernel refuses F_SEAL_WRITE with EBUSY while anything else holds a
 * reference to one of the copy's pages (a per-CPU LRU batch of another CPU,
 * compaction); it waits about 75 ms first. Such references are transient,
 * so a fresh copy is tried a few times before giving up. */
#define SEAL_ATTEMPTS 5

static int sealed_copy_of_self(void)
{
    CLEANUP_CLOSE int self = open("/proc/self/exe", O_RDONLY | O_CLOEXEC);
    if (self < 0)
        return -1;
    int fd = -1;
    for (int attempt = 0; attempt < SEAL_ATTEMPTS && fd < 0; attempt++) {
        if (attempt > 0 && errno != EBUSY)
            break;
        fd = sealed_copy_from(self);
    }
    return fd;
}

/* envp plus the loop mark. */
static char **env_with_mark(char **envp)
{
    size_t n = 0;
    while (envp && envp[n])
        n++;
    char **env = xcalloc(n + 2, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        env[i] = envp[i];
    env[n] = REEXEC_MARK "=1";
    return env;
}

int ensure_cloned_binary(char **argv, char **envp)
{
    bool reexeced = getenv(REEXEC_MARK) != NULL;
    if (reexeced)
        unsetenv(REEXEC_MARK);
    if (running_from_sealed_copy())
        return 0;
    if (reexeced) {
        errno = EPERM;
        return -1;
    }
    int fd = sealed_copy_of_self();
    if (fd < 0)
        return -1;
    CLEANUP_FREE char **env = env_with_mark(envp);
    fexecve(fd, argv, env);
    int saved = errno;
    close(fd);
    errno = saved;
    return -1;
}
