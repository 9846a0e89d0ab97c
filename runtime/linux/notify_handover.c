/* The notify fd's way from the container's process to the runtime (see
 * notify_handover.h). */
#include "runtime/linux/notify_handover.h"

#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "runtime/linux/sync.h"
#include "runtime/state.h"

/* What the init writes into the notify fifo once its filter is in. */
struct fifo_record {
    int32_t notify_fd, listener_fd, self_send_ok;
};

/* start's answer on the exec fifo. */
#define ACK_HANDED '1'
#define ACK_SEND_YOURSELF '2'

/* The longest message create leaves (listenerMetadata is the caller's):
 * the fifo must hold it and the record without a reader. */
#define MAX_MESSAGE (512U * 1024)

static int write_full(int fd, const void *buf, size_t len)
{
    const char *p = buf;
    while (len > 0) {
        ssize_t n = write(fd, p, len);
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0)
            return -1;
        p += n;
        len -= (size_t)n;
    }
    return 0;
}

/* Fewer than len bytes at the end of the data; -1 with errno. */
static ssize_t read_full(int fd, void *buf, size_t len)
{
    size_t got = 0;
    while (got < len) {
        ssize_t n = read(fd, (char *)buf + got, len - got);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return -1;
        if (n == 0)
            break;
        got += (size_t)n;
    }
    return (ssize_t)got;
}

int notify_handover_sync(void *ctx, const struct notify_fds *f, struct error **err)
{
    int sync_fd = *(const int *)ctx;
    if (sync_write_value(sync_fd, SYNC_SECCOMP, f->notify_fd) < 0)
        return error_set(err, errno, "tell the runtime the seccomp notify fd");
    struct sync_msg m;
    if (sync_read(sync_fd, &m) < 0 || m.type != SYNC_SECCOMP_DONE)
        _exit(1); /* the parent gave up: it reports why and cleans up */
    return m.value ? 1 : 0;
}

int notify_handover_fifo(void *ctx, const struct notify_fds *f, struct error **err)
{
    const struct notify_fifo_ends *e = ctx;
    struct fifo_record rec = { f->notify_fd, f->listener_fd, f->self_send_ok };
    /* create sized the fifo for the message and this: it never blocks */
    if (write_full(e->fifo_fd, &rec, sizeof(rec)) < 0)
        return error_set(err, errno, "write the seccomp notify fd's number into the notify fifo");
    char ack = 0;
    if (read_full(e->ack_fd, &ack, 1) != 1 || (ack != ACK_HANDED && ack != ACK_SEND_YOURSELF))
        _exit(1); /* start gave up (and said why) or died */
    return ack == ACK_HANDED;
}

int notify_answer_sync(int sync_fd, struct notify_relay *r, int pidfd, int num, struct error **err)
{
    if (r == NULL)
        return error_setc(err, EXIT_FAIL, 0, "the container's process sent a seccomp notify fd nobody expected");
    int rc = notify_relay_pass(r, pidfd, num, err);
    if (rc < 0)
        return -1;
    if (sync_send_value(sync_fd, SYNC_SECCOMP_DONE, rc) < 0)
        return error_set(err, errno, "answer the container's process");
    return 0;
}

static char *fifo_path(const char *root, const char *id)
{
    return xasprintf("%s/%s/" STATE_NOTIFY_FIFO, root, id);
}

int notify_fifo_make(const char *root, const char *id, struct error **err)
{
    CLEANUP_FREE char *path = fifo_path(root, id);
    if (mkfifo(path, 0600) < 0)
        return error_set(err, errno, "mkfifo %s", path);
    /* Read-write: the open waits for no reader, and what is written stays
     * in the fifo as long as the init holds it. */
    int fd = open(path, O_RDWR | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    return fd;
}

int notify_fifo_stash(int fd, const char *msg, struct error **err)
{
    size_t len = strlen(msg);
    if (len > MAX_MESSAGE)
        return error_setc(err, EXIT_INVALID, 0, "linux.seccomp: the listener's message is too long (%zu bytes, at most %u)",
                          len, MAX_MESSAGE);
    uint32_t len32 = (uint32_t)len;
    size_t need = sizeof(len32) + len + sizeof(struct fifo_record);
    int size = fcntl(fd, F_GETPIPE_SZ);
    if (size < 0 || ((size_t)size < need && fcntl(fd, F_SETPIPE_SZ, (int)need) < 0))
        return error_set(err, errno, "make room for %zu bytes in the notify fifo", need);
    if (write_full(fd, &len32, sizeof(len32)) < 0 || write_full(fd, msg, len) < 0)
        return error_set(err, errno, "write the listener's message into the notify fifo");
    return 0;
}

int notify_fifo_open(const char *root, const char *id, int *fd, struct error **err)
{
    CLEANUP_FREE char *path = fifo_path(root, id);
    /* Opening for reading does not wait for a writer only when non-blocking. */
    *fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (*fd < 0 && errno == ENOENT)
        return 0;
    if (*fd < 0)
        return error_set(err, errno, "open %s", path);
    if (fcntl(*fd, F_SETFL, 0) < 0) {
        int saved = errno;
        close(*fd);
        *fd = -1;
        return error_set(err, saved, "fcntl %s", path);
    }
    return 0;
}

static int read_message(int fd, char **msg, struct error **err)
{
    uint32_t len = 0;
    if (read_full(fd, &len, sizeof(len)) != sizeof(len) || len > MAX_MESSAGE)
        return error_setc(err, EXIT_STATE, 0, "the notify fifo holds no listener message");
    *msg = xmalloc((size_t)len + 1);
    if (read_full(fd, *msg, len) != (ssize_t)len)
        return error_setc(err, EXIT_STATE, 0, "the notify fifo holds a short listener message");
    (*msg)[len] = '\0';
    return 0;
}

int notify_fifo_relay(int fd, int ack_fd, int pidfd, struct error **err)
{
    CLEANUP_FREE char *msg = NULL;
    if (read_message(fd, &msg, err) < 0)
        return -1;
    struct fifo_record rec;
    ssize_t n = read_full(fd, &rec, sizeof(rec));
    if (n < 0)
        return error_set(err, errno, "read the notify fifo");
    if (n != (ssize_t)sizeof(rec))
        return error_setc(err, EXIT_FAIL, 0, "the container's init exited before it handed over its seccomp notify fd");
    int rc = notify_relay_from(pidfd, rec.notify_fd, rec.listener_fd, msg, rec.self_send_ok != 0, err);
    if (rc < 0)
        return -1;
    char ack = rc ? ACK_HANDED : ACK_SEND_YOURSELF;
    if (write(ack_fd, &ack, 1) != 1)
        return error_set(err, errno, "answer the container's init");
    return 0;
}
