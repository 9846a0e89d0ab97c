/* Handing the container process's seccomp notify fd to the runtime, which
 * takes it with pidfd_getfd and sends it to the listener. The child, under
 * its filter already, only writes the fd's number and reads the answer.
 *   run, exec:     over the sync socket (SYNC_SECCOMP, SYNC_SECCOMP_DONE)
 *   create+start:  create is gone when the init loads its filter (after
 *                  start): the init writes the numbers into the notify
 *                  fifo of the state directory, where create left the
 *                  listener's message; start reads both, and answers with
 *                  one more byte on the exec fifo.
 */
#ifndef RUNTIME_NOTIFY_HANDOVER_H
#define RUNTIME_NOTIFY_HANDOVER_H

#include "common/error.h"
#include "runtime/security/security.h"

/* Child, for struct notify_handover: ctx points to the sync socket. */
int notify_handover_sync(void *ctx, const struct notify_fds *f, struct error **err);

/* Child (create's init), ctx points to one of these. */
struct notify_fifo_ends {
    int fifo_fd; /* the notify fifo, read-write */
    int ack_fd;  /* the exec fifo's read end, blocking */
};
int notify_handover_fifo(void *ctx, const struct notify_fds *f, struct error **err);

/* Parent (run, exec): answer a SYNC_SECCOMP carrying fd number num. */
int notify_answer_sync(int sync_fd, struct notify_relay *r, int pidfd, int num, struct error **err);

/* create: make the notify fifo and leave the message in it; the returned
 * fd (read-write, close-on-exec) is the init's. */
int notify_fifo_make(const char *root, const char *id, struct error **err);
int notify_fifo_stash(int fd, const char *msg, struct error **err);

/* start: *fd is the notify fifo opened for reading, or -1 when there is none. */
int notify_fifo_open(const char *root, const char *id, int *fd, struct error **err);
/* start, after the start byte: read the message and the numbers, pass the
 * fd on, answer on ack_fd (the exec fifo's write end). */
int notify_fifo_relay(int fd, int ack_fd, int pidfd, struct error **err);

#endif
