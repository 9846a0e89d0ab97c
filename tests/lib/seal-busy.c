/* LD_PRELOAD shim: the first SEAL_BUSY_COUNT F_ADD_SEALS calls of a process
 * fail with EBUSY, as the kernel's do while another CPU still holds a
 * reference to a page of the memfd. Tests the runtime's retry. */
#define _GNU_SOURCE
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdlib.h>

int fcntl(int fd, int cmd, ...)
{
    static int failed;
    va_list ap;
    va_start(ap, cmd);
    long arg = va_arg(ap, long);
    va_end(ap);
    const char *count = getenv("SEAL_BUSY_COUNT");
    if (cmd == F_ADD_SEALS && count && failed < atoi(count)) {
        failed++;
        errno = EBUSY;
        return -1;
    }
    int (*real)(int, int, ...) = (int (*)(int, int, ...))dlsym(RTLD_NEXT, "fcntl");
    return real(fd, cmd, arg);
}
