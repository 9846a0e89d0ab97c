/* The runtime's side of the notify hand-over: take the child's notify fd
 * with pidfd_getfd and send it to the listener with the message. */
#include "security.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fd_pass.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "seccomp_plan.h"

struct notify_relay {
    int listener_fd; /* our own copy, until the fd is passed */
    char *msg;
    bool self_send_ok;
};

int notify_relay_new(const struct security_plan *p, const char *state_json, pid_t pid, struct notify_relay **out,
                     struct error **err)
{
    *out = NULL;
    const struct seccomp_plan *sp = security_seccomp(p);
    if (sp == NULL || !sp->notify)
        return 0;
    CLEANUP_FREE char *msg = NULL;
    if (seccomp_listener_message(sp, state_json, pid, &msg, err) < 0)
        return -1;
    int fd = fcntl(sp->listener_fd, F_DUPFD_CLOEXEC, 3);
    if (fd < 0)
        return error_set(err, errno, "seccomp listener socket");
    struct notify_relay *r = xcalloc(1, sizeof(*r));
    r->listener_fd = fd;
    r->msg = TAKE_PTR(msg);
    r->self_send_ok = sp->self_send_ok;
    *out = r;
    return 0;
}

const char *notify_relay_message(const struct notify_relay *r)
{
    return r->msg;
}

void notify_relay_free(struct notify_relay *r)
{
    if (r == NULL)
        return;
    if (r->listener_fd >= 0)
        close(r->listener_fd);
    free(r->msg);
    free(r);
}

/* No ptrace rights over the child (a runtime without CAP_SYS_PTRACE: the
 * child is not dumpable) or no pidfd_getfd (before Linux 5.6). */
static bool take_refused(int e, bool self_send_ok)
{
    if (!self_send_ok || (e != EPERM && e != EACCES && e != ENOSYS))
        return false;
    log_debug("seccomp: taking the notify fd from the container's process: %s; it sends it itself", strerror(e));
    return true;
}

static int relay(int pidfd, int notify_num, int sock, const char *msg, bool self_send_ok, struct error **err)
{
    CLEANUP_CLOSE int fd = fd_take(pidfd, notify_num);
    if (fd < 0 && take_refused(errno, self_send_ok))
        return 0;
    if (fd < 0)
        return error_set(err, errno, "take the seccomp notify fd from the container's process");
    return seccomp_send_listener(sock, fd, msg, err) < 0 ? -1 : 1;
}

int notify_relay_pass(struct notify_relay *r, int pidfd, int num, struct error **err)
{
    if (r->listener_fd < 0)
        return error_setc(err, EXIT_FAIL, 0, "a second seccomp notify fd from the container's process");
    int rc = relay(pidfd, num, r->listener_fd, r->msg, r->self_send_ok, err);
    /* The listener may read until the end of the connection. */
    close(r->listener_fd);
    r->listener_fd = -1;
    return rc;
}

int notify_relay_from(int pidfd, int notify_num, int listener_num, const char *msg, bool self_send_ok,
                      struct error **err)
{
    CLEANUP_CLOSE int sock = fd_take(pidfd, listener_num);
    if (sock < 0 && take_refused(errno, self_send_ok))
        return 0;
    if (sock < 0)
        return error_set(err, errno, "take the seccomp listener socket from the container's process");
    return relay(pidfd, notify_num, sock, msg, self_send_ok, err);
}
