/* PR_SET_PDEATHSIG for the init, checked after setting it. */
#include "runtime/linux/parent_watch.h"

#include <poll.h>
#include <signal.h>
#include <sys/prctl.h>
#include <unistd.h>

static bool parent_gone(pid_t parent, int sync_fd)
{
    pid_t pp = getppid();
    if (pp != 0 && pp != parent)
        return true; /* reparented: the parent died before the signal was set */
    struct pollfd pfd = { .fd = sync_fd, .events = POLLRDHUP };
    return poll(&pfd, 1, 0) == 1 && (pfd.revents & (POLLHUP | POLLRDHUP | POLLERR | POLLNVAL));
}

void parent_watch_arm(pid_t parent, int sync_fd)
{
    if (prctl(PR_SET_PDEATHSIG, SIGKILL, 0, 0, 0) < 0 || parent_gone(parent, sync_fd))
        _exit(1);
}

int parent_watch_disarm(void)
{
    return prctl(PR_SET_PDEATHSIG, 0, 0, 0, 0);
}
