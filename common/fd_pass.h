/* Passing a file descriptor over a unix socket (SCM_RIGHTS), or taking one
 * from another process (pidfd_getfd). */
#ifndef COMMON_FD_PASS_H
#define COMMON_FD_PASS_H

#include <stddef.h>
#include <sys/types.h>

/* Send len bytes of buf with fd attached, retrying on EINTR, never raising
 * SIGPIPE. 0 when all of buf went, else -1 with errno. */
int fd_pass_send(int sock, const void *buf, size_t len, int fd);
/* A close-on-exec copy of fd number num of the process behind pidfd. It
 * needs ptrace rights over that process (EPERM otherwise) and Linux 5.6
 * (ENOSYS). -1 with errno. */
int fd_take(int pidfd, int num);

/* Receive up to len bytes into buf and the one fd sent with them (*fd = -1
 * when none came; CLOEXEC), retrying on EINTR. Returns the byte count (0 at
 * end of stream), or -1 with errno. */
ssize_t fd_pass_recv(int sock, void *buf, size_t len, int *fd);

#endif
