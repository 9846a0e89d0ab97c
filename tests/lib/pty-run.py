#!/usr/bin/env python3
"""Run a command on a new pty of a given size, as a user's terminal would,
and print everything it writes there (raw bytes) to stdout; exit with the
command's status.

    pty-run.py ROWS COLS [--input TEXT] [--resize-on MARKER ROWS COLS] -- CMD...

--input TEXT is typed once the command printed something (or at once when
--input-now); --resize-on changes the window size when MARKER appears in
the output (the kernel then sends SIGWINCH to the command)."""
import argparse
import fcntl
import os
import pty
import struct
import sys
import termios


def set_size(fd, rows, cols):
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", rows, cols, 0, 0))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rows", type=int)
    ap.add_argument("cols", type=int)
    ap.add_argument("--input")
    ap.add_argument("--resize-on", nargs=3)
    if "--" not in sys.argv:
        ap.error("-- CMD... is missing")
    split = sys.argv.index("--")
    a = ap.parse_args(sys.argv[1:split])
    cmd = sys.argv[split + 1:]
    master, slave = pty.openpty()
    set_size(slave, a.rows, a.cols)
    pid = os.fork()
    if pid == 0:
        os.close(master)
        os.setsid()
        fcntl.ioctl(slave, termios.TIOCSCTTY, 0)
        for fd in (0, 1, 2):
            os.dup2(slave, fd)
        os.execvp(cmd[0], cmd)
    os.close(slave)
    seen = b""
    typed = resized = False
    while True:
        try:
            chunk = os.read(master, 4096)
        except OSError:
            break
        if not chunk:
            break
        sys.stdout.buffer.write(chunk)
        sys.stdout.buffer.flush()
        seen += chunk
        if a.input and not typed:
            os.write(master, a.input.encode())
            typed = True
        if a.resize_on and not resized and a.resize_on[0].encode() in seen:
            set_size(master, int(a.resize_on[1]), int(a.resize_on[2]))
            resized = True
    _, status = os.waitpid(pid, 0)
    sys.exit(os.waitstatus_to_exitcode(status) if os.WIFEXITED(status) else 128 + os.WTERMSIG(status))


if __name__ == "__main__":
    main()
