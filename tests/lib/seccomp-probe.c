/* Prints how some syscalls fare under a seccomp profile: keyctl (refused by
 * Docker's profile, no capability needed), unshare of a UTS namespace (needs
 * CAP_SYS_ADMIN and the profile's consent), personality(READ_IMPLIES_EXEC),
 * a TCP connection over loopback, a Unix stream socket and a socketpair
 * (allowed), and AF_ALG and AF_VSOCK sockets (refused by family).
 * With arguments, instead: for a number NR, calls that syscall with zero
 * arguments and prints "syscall-NR=ERRNO-NAME" (or "=ok"); for "thread",
 * starts a thread (glibc tries clone3, then clone on ENOSYS) and prints
 * "thread=ok" or the error. */
#define _GNU_SOURCE
#include <errno.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

static void report(const char *name, long rc)
{
    printf("%s=%s\n", name, rc < 0 ? strerrorname_np(errno) : "ok");
}

static void *thread_main(void *arg)
{
    return arg;
}

static void report_thread(void)
{
    pthread_t t;
    int rc = pthread_create(&t, NULL, thread_main, NULL);
    if (rc == 0)
        pthread_join(t, NULL);
    errno = rc;
    report("thread", rc ? -1 : 0);
}

/* A listening socket of family fam at addr, a client connected to it, one
 * byte each way through accept. */
static long stream_roundtrip(int fam, const struct sockaddr *addr, socklen_t len)
{
    int l = socket(fam, SOCK_STREAM, 0), c = -1, a = -1;
    long rc = -1;
    char b = 'x';
    struct sockaddr_storage got;
    socklen_t glen = sizeof(got);
    if (l < 0 || bind(l, addr, len) < 0 || listen(l, 1) < 0 || getsockname(l, (struct sockaddr *)&got, &glen) < 0)
        goto out;
    if ((c = socket(fam, SOCK_STREAM, 0)) < 0 || connect(c, (struct sockaddr *)&got, glen) < 0)
        goto out;
    if ((a = accept(l, NULL, NULL)) < 0 || write(c, &b, 1) != 1 || read(a, &b, 1) != 1)
        goto out;
    rc = 0;
out:;
    int saved = errno;
    for (int *fd = (int[]){ l, c, a }, i = 0; i < 3; i++)
        if (fd[i] >= 0)
            close(fd[i]);
    errno = saved;
    return rc;
}

int main(int argc, char **argv)
{
    for (int i = 1; i < argc; i++) {
        char name[64];
        if (strcmp(argv[i], "thread") == 0) {
            report_thread();
            continue;
        }
        snprintf(name, sizeof(name), "syscall-%s", argv[i]);
        report(name, syscall(strtol(argv[i], NULL, 0), 0, 0, 0, 0, 0, 0));
    }
    if (argc > 1)
        return 0;
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
    report("unshare", unshare(CLONE_NEWUTS));
    report("personality", personality(READ_IMPLIES_EXEC));
    struct sockaddr_in in = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
    report("tcp", stream_roundtrip(AF_INET, (struct sockaddr *)&in, sizeof(in)));
    struct sockaddr_un un = { .sun_family = AF_UNIX };
    snprintf(un.sun_path, sizeof(un.sun_path), "/tmp/probe-%d.sock", (int)getpid());
    unlink(un.sun_path);
    report("unix", stream_roundtrip(AF_UNIX, (struct sockaddr *)&un, sizeof(un)));
    unlink(un.sun_path);
    int sv[2];
    report("socketpair", socketpair(AF_UNIX, SOCK_STREAM, 0, sv));
    report("af_alg", socket(38 /* AF_ALG */, SOCK_SEQPACKET, 0));
    report("af_vsock", socket(40 /* AF_VSOCK */, SOCK_STREAM, 0));
    
    return 0;
}
