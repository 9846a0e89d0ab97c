/* Messages between the create process and the container's init over a
 * SOCK_SEQPACKET socketpair (one message per datagram). */
#ifndef RUNTIME_SYNC_H
#define RUNTIME_SYNC_H

#include "common/error.h"

enum sync_type {
    SYNC_EOF = 0, /* the peer closed its end (or exec'd) */
    SYNC_GO,      /* parent -> init: maps written, cgroup joined: set up */
    SYNC_READY,   /* init -> parent: set up, waiting for SYNC_RECORDED */
    SYNC_ERROR,   /* init -> parent: a step failed; text names it */
    SYNC_PID,     /* intermediate -> parent: the init's pid (value) */
    SYNC_MAPS,    /* intermediate -> parent: made a user namespace, write its maps */
    SYNC_PTY,     /* init or exec child -> parent: the terminal's master (fd) */
    SYNC_HOOKS,   /* init -> parent: mounts made; run prestart and createRuntime, then GO */
    SYNC_RECORDED, /* parent -> init: the container is recorded: go on (exec or wait for start) */
    SYNC_DETACHED, /* init -> parent (create): no longer tied to the parent's life */
    SYNC_SECCOMP,  /* init or exec child -> parent: the seccomp notify fd's number (value) */
    SYNC_SECCOMP_DONE, /* parent -> child: value 1: the listener has it; 0: send it yourself */
    SYNC_MOUNT_SOURCE, /* parent -> init, before GO: source of mounts[value] opened by root (fd) */
    SYNC_DEVICE_STAGE, /* parent -> init, before GO: a tmpfs holding the nodes of linux.devices (fd) */
};

struct sync_msg {
    int type;
    int exit_class;
    int errnum;
    int value;
    char text[2048];
    int fd; /* not on the wire: an fd that came with the message (SCM_RIGHTS), or -1 */
};

/* Send a message; e (may be NULL) fills an error message. Never raises SIGPIPE. */
int sync_send(int fd, enum sync_type type, const struct error *e);
int sync_send_value(int fd, enum sync_type type, int value);
/* Send m as it is (its text up to the NUL; m->fd is not sent). */
int sync_send_msg(int fd, const struct sync_msg *m);
/* Send a message carrying value and fd (SCM_RIGHTS). */
int sync_send_fd(int sock, enum sync_type type, int value, int fd);
/* Receive one; an fd that came with it is in m->fd (the caller owns it).
 * SYNC_EOF when the peer is gone. -1 with *err on a read error. */
int sync_recv(int fd, struct sync_msg *m, struct error **err);
/* The same with write and read only, for a child under a seccomp filter
 * whose listener does not have the notify fd yet (sendto and recvmsg may
 * be notified; write may not). A gone peer raises SIGPIPE. */
int sync_write_value(int fd, enum sync_type type, int value);
int sync_read(int fd, struct sync_msg *m);
/* Turn a SYNC_ERROR into an error (the init's message, its exit class). */
int sync_error(const struct sync_msg *m, struct error **err);

#endif
