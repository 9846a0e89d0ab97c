/* Loading the compiled program, and the message that goes with the notify
 * fd to the listener (the runtime-spec containerProcessState). */
#include "seccomp_plan.h"

#include <errno.h>
#include <linux/seccomp.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/json.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif
#ifndef SECCOMP_FILTER_FLAG_TSYNC_ESRCH
#define SECCOMP_FILTER_FLAG_TSYNC_ESRCH (1UL << 4)
#endif

int seccomp_plan_load(const struct seccomp_plan *p, int *notify_fd, struct error **err)
{
    struct sock_fprog prog = { .len = p->n_insns, .filter = p->insns };
    unsigned int flags = p->flags;
    if (p->notify)
        flags |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    else
        flags &= ~(unsigned int)SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV; /* it only shapes the listener's wait */
    /* TSYNC and NEW_LISTENER together need TSYNC_ESRCH (the kernel could
     * not otherwise say which thread failed to sync). */
    if ((flags & SECCOMP_FILTER_FLAG_TSYNC) && p->notify)
        flags |= SECCOMP_FILTER_FLAG_TSYNC_ESRCH;
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flags, &prog);
    if (rc < 0)
        return error_set(err, errno, "load the seccomp filter");
    *notify_fd = p->notify ? (int)rc : -1;
    return 0;
}

/* The init's pid as the runtime (and the listener) see it. Inside its new
 * pid namespace getpid() says 1; the nsfs ioctl (Linux 6.11) translates it
 * into the runtime's namespace, which the plan holds open. */
#ifndef NS_GET_TGID_IN_PIDNS
#define NS_GET_TGID_IN_PIDNS _IOR(0xb7, 0x9, int)
#endif
static int64_t host_pid(const struct seccomp_plan *p)
{
    int pid = getpid();
    if (p->host_pidns_fd >= 0) {
        int host = ioctl(p->host_pidns_fd, NS_GET_TGID_IN_PIDNS, pid);
        if (host > 0)
            return host;
    }
    return pid;
}

int seccomp_listener_message(const struct seccomp_plan *p, const char *state_json, pid_t pid_hint, char **out,
                             struct error **err)
{
    CLEANUP_JSON yajl_val state = NULL;
    if (state_json == NULL)
        return error_set(err, 0, "seccomp listener: no container state to send");
    if (json_parse(state_json, strlen(state_json), "container state", &state, err) < 0)
        return -1;
    const char *version = NULL;
    int64_t pid = 0;
    if (json_get_string(state, "", "ociVersion", &version, err) < 0 || json_get_int64(state, "", "pid", &pid, err) < 0)
        return error_prefix(err, "container state");
    if (pid <= 0)
        pid = pid_hint > 0 ? pid_hint : host_pid(p);
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    jg_obj_open(g);
    jg_key_str(g, "ociVersion", version ? version : "1.0.2");
    jg_key(g, "fds");
    jg_arr_open(g);
    jg_str(g, "seccompFd");
    jg_arr_close(g);
    jg_key_int(g, "pid", pid);
    jg_key_str(g, "metadata", p->metadata);
    jg_key(g, "state");
    jg_value(g, state);
    jg_obj_close(g);
    size_t len;
    const char *text = jg_text(g, &len);
    *out = strndup(text, len);
    if (*out == NULL)
        return error_set(err, ENOMEM, "seccomp listener message");
    return 0;
}

int seccomp_send_listener(int sock, int notify_fd, const char *msg, struct error **err)
{
    char control[CMSG_SPACE(sizeof(int))];
    memset(control, 0, sizeof(control));
    struct iovec iov = { .iov_base = (void *)msg, .iov_len = strlen(msg) };
    struct msghdr mh = {
        .msg_iov = &iov,
        .msg_iovlen = 1,
        .msg_control = control,
        .msg_controllen = sizeof(control),
    };
    struct cmsghdr *c = CMSG_FIRSTHDR(&mh);
    c->cmsg_level = SOL_SOCKET;
    c->cmsg_type = SCM_RIGHTS;
    c->cmsg_len = CMSG_LEN(sizeof(int));
    memcpy(CMSG_DATA(c), &notify_fd, sizeof(int));
    ssize_t n;
    do
        n = sendmsg(sock, &mh, MSG_NOSIGNAL);
    while (n < 0 && errno == EINTR);
    if (n < 0)
        return error_set(err, errno, "send the seccomp notify fd to linux.seccomp.listenerPath");
    /* The rest of a long message, if the socket took only part of it. */
    for (size_t sent = (size_t)n; sent < iov.iov_len;) {
        n = send(sock, msg + sent, iov.iov_len - sent, MSG_NOSIGNAL);
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return error_set(err, errno, "send the container state to linux.seccomp.listenerPath");
        sent += (size_t)n;
    }
    return 0;
}
