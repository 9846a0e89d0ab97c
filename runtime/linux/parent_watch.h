/* The init's tie to the runtime process that made it: until the container
 * is recorded, the init dies with its parent (PR_SET_PDEATHSIG), so no
 * user process ever runs with nobody watching. */
#ifndef RUNTIME_PARENT_WATCH_H
#define RUNTIME_PARENT_WATCH_H

#include <stdbool.h>
#include <sys/types.h>

/* Ask for SIGKILL when the parent dies, then make sure it has not died
 * already: getppid() (0 from a new pid namespace: cannot tell) and the
 * parent's end of the sync socket sync_fd (closed: gone). Exits (1) when
 * the parent is gone. A change of credentials (setresuid, joining a user
 * namespace) clears the signal: call again after one. */
void parent_watch_arm(pid_t parent, int sync_fd);
/* The container is recorded: outlive the parent (create returns). */
int parent_watch_disarm(void);

#endif
