/* The container side of process.terminal. */
#include "runtime/linux/terminal.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <termios.h>
#include <unistd.h>

#include "common/cleanup.h"

static int bind_console(const char *slave, struct error **err)
{
    int fd = open("/dev/console", O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd < 0)
        return error_set(err, errno, "process.terminal: create /dev/console");
    close(fd);
    if (mount(slave, "/dev/console", NULL, MS_BIND, NULL) < 0)
        return error_set(err, errno, "process.terminal: bind %s onto /dev/console", slave);
    return 0;
}

static int make_controlling(int slave, struct error **err)
{
    if (setsid() < 0)
        return error_set(err, errno, "process.terminal: setsid");
    if (ioctl(slave, TIOCSCTTY, 0) < 0)
        return error_set(err, errno, "process.terminal: TIOCSCTTY");
    for (int fd = 0; fd <= 2; fd++)
        if (dup2(slave, fd) < 0)
            return error_set(err, errno, "process.terminal: dup2 onto fd %d", fd);
    return 0;
}

static int open_slave(int master, const struct spec_process *p, bool console, struct error **err)
{
    char name[64];
    int unlock = 0;
    if (ioctl(master, TIOCSPTLCK, &unlock) < 0 || ptsname_r(master, name, sizeof(name)) != 0)
        return error_set(err, errno, "process.terminal: unlock the pty");
    /* TIOCGPTPEER: the slave of this very master, not a path lookup. */
    int slave = ioctl(master, TIOCGPTPEER, O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (slave < 0)
        return error_set(err, errno, "process.terminal: open %s", name);
    struct winsize ws = { .ws_row = p->console_height, .ws_col = p->console_width };
    if ((p->has_console_size && ioctl(slave, TIOCSWINSZ, &ws) < 0) || fchown(slave, p->user.uid, p->user.gid) < 0 ||
        (console && bind_console(name, err) < 0)) {
        if (err && *err == NULL)
            error_set(err, errno, "process.terminal: set up %s", name);
        close(slave);
        return -1;
    }
    return slave;
}

int terminal_setup(const struct spec_process *p, bool console, struct error **err)
{
    int master = open("/dev/ptmx", O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (master < 0)
        return error_set(err, errno, "process.terminal: open /dev/ptmx (is devpts mounted on /dev/pts?)");
    CLEANUP_CLOSE int slave = open_slave(master, p, console, err);
    if (slave < 0 || make_controlling(slave, err) < 0) {
        close(master);
        return -1;
    }
    return master;
}
