/* --console-socket: the rules of when it is needed, and sending the pty
 * master over it. */
#include "runtime/terminal/terminal.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fd_pass.h"

int terminal_check(bool terminal, const char *console_socket, bool detached, struct error **err)
{
    if (terminal && console_socket == NULL && detached)
        return error_setc(err, EXIT_USAGE, 0,
                          "process.terminal needs --console-socket when the runtime does not stay in the foreground");
    if (!terminal && console_socket)
        return error_setc(err, EXIT_USAGE, 0, "--console-socket: the process has no terminal (process.terminal is false)");
    return 0;
}

static int connect_to(const char *path, struct error **err)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(addr.sun_path))
        return error_setc(err, EXIT_USAGE, 0, "--console-socket: path too long: %s", path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return error_set(err, errno, "--console-socket: socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int e = errno;
        close(fd);
        return error_set(err, e, "--console-socket: connect to %s", path);
    }
    return fd;
}

int terminal_send_master(const char *path, int master, struct error **err)
{
    CLEANUP_CLOSE int sock = connect_to(path, err);
    if (sock < 0)
        return -1;
    static const char name[] = "/dev/ptmx";
    if (fd_pass_send(sock, name, sizeof(name) - 1, master) < 0)
        return error_set(err, errno, "--console-socket: send the terminal to %s", path);
    return 0;
}
