#!/usr/bin/env python3
"""A --console-socket receiver, as conmon and containerd's shim are one:
listen on SOCKET, accept one connection, take the pty master that comes
with SCM_RIGHTS, then copy everything the container writes to OUT until
every slave is closed.

    console-receiver.py SOCKET OUT [--input TEXT] [--info FILE]

--input TEXT is typed into the terminal first; --info FILE gets the data
that came with the fd and the pty's window size ("NAME ROWS COLS")."""
import argparse
import fcntl
import os
import socket
import struct
import termios


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--input")
    ap.add_argument("--info")
    a = ap.parse_args()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(a.socket)
    srv.listen(1)
    conn, _ = srv.accept()
    data, fds, _, _ = socket.recv_fds(conn, 1024, 1)
    conn.close()
    srv.close()
    if len(fds) != 1:
        raise SystemExit("console-receiver: expected one fd, got %d" % len(fds))
    master = fds[0]
    if a.info:
        rows, cols = struct.unpack("HHHH", fcntl.ioctl(master, termios.TIOCGWINSZ, b"\0" * 8))[:2]
        with open(a.info, "w") as f:
            f.write("%s %d %d\n" % (data.decode(), rows, cols))
    if a.input:
        os.write(master, a.input.encode())
    with open(a.out, "ab", buffering=0) as out:
        while True:
            try:
                chunk = os.read(master, 4096)
            except OSError:  # EIO: every slave is closed
                break
            if not chunk:
                break
            out.write(chunk)


if __name__ == "__main__":
    main()
