/* Sources of bind mounts in a container with a user namespace, opened by
 * the host's root for the init: its mapped root may not reach a source
 * that root can (a 0700 directory on the way). runc opens them for it
 * too. A helper joins the init's mount namespace first (the copy of the
 * host's the init made, its flags locked), so that each fd names a mount
 * of that namespace, which the init may clone onto its target. */
#ifndef RUNTIME_LINUX_BIND_SOURCES_H
#define RUNTIME_LINUX_BIND_SOURCES_H

#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

/* Parent, while the init waits for SYNC_GO: one SYNC_MOUNT_SOURCE over
 * sync_fd per bind source, with its fd, or with the errno of root's failed
 * open. A helper that cannot join the namespace is no error: the init then
 * opens every source itself. */
int bind_sources_send(pid_t init_pid, const struct spec *s, int sync_fd, struct error **err);

/* Init: keep what came for s->mounts[index] (an fd, or the errno of
 * root's failed open); take it back for mount m: the fd (the caller owns
 * it), -1 when nothing came, -2 with errno when root could not open it
 * either. Close what is left. */
void bind_sources_keep(const struct spec *s, int index, int fd, int errnum);
int bind_source_take(const struct spec *s, const struct spec_mount *m);
void bind_sources_close(void);

#endif
