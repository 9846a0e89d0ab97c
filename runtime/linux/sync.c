/* The create <-> init message channel. */
#include "runtime/linux/sync.h"

#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "common/fd_pass.h"

int sync_send_value(int fd, enum sync_type type, int value)
{
    struct sync_msg m = { .type = type, .value = value };
    return sync_send_msg(fd, &m);
}

int sync_send(int fd, enum sync_type type, const struct error *e)
{
    struct sync_msg m = { .type = type };
    if (e) {
        m.exit_class = e->exit_class;
        m.errnum = e->errnum;
        snprintf(m.text, sizeof(m.text), "%s", e->msg);
    }
    return sync_send_msg(fd, &m);
}

int sync_send_msg(int fd, const struct sync_msg *m)
{
    size_t len = offsetof(struct sync_msg, text) + strlen(m->text) + 1;
    ssize_t n;
    do
        n = send(fd, m, len, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)len ? 0 : -1;
}

int sync_send_fd(int sock, enum sync_type type, int value, int fd)
{
    struct sync_msg m = { .type = type, .value = value };
    return fd_pass_send(sock, &m, offsetof(struct sync_msg, text) + 1, fd);
}

static ssize_t recv_with_fd(int sock, struct sync_msg *m)
{
    return fd_pass_recv(sock, m, offsetof(struct sync_msg, text) + sizeof(m->text) - 1, &m->fd);
}

int sync_recv(int fd, struct sync_msg *m, struct error **err)
{
    memset(m, 0, sizeof(*m));
    ssize_t n = recv_with_fd(fd, m);
    if (n < 0) {
        if (errno == ECONNRESET) {
            m->type = SYNC_EOF;
            return 0;
        }
        return error_set(err, errno, "read from the container's init");
    }
    if (n == 0) {
        m->type = SYNC_EOF;
        return 0;
    }
    if ((size_t)n < offsetof(struct sync_msg, text))
        return error_set(err, 0, "short message from the container's init");
    ((char *)m)[n] = '\0';
    return 0;
}

int sync_write_value(int fd, enum sync_type type, int value)
{
    struct sync_msg m = { .type = type, .value = value };
    size_t len = offsetof(struct sync_msg, text) + 1;
    ssize_t n;
    do
        n = write(fd, &m, len);
    while (n < 0 && errno == EINTR);
    return n == (ssize_t)len ? 0 : -1;
}

int sync_read(int fd, struct sync_msg *m)
{
    memset(m, 0, sizeof(*m));
    ssize_t n;
    do
        n = read(fd, m, offsetof(struct sync_msg, text) + sizeof(m->text) - 1);
    while (n < 0 && errno == EINTR);
    m->fd = -1;
    if (n < (ssize_t)offsetof(struct sync_msg, text))
        m->type = SYNC_EOF;
    return n < 0 ? -1 : 0;
}

int sync_error(const struct sync_msg *m, struct error **err)
{
    return error_setc(err, m->exit_class ? m->exit_class : EXIT_FAIL, 0, "%s", m->text);
}
