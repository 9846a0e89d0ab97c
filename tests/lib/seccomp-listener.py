#!/usr/bin/env python3
"""A seccomp agent for linux.seccomp.listenerPath: listen on SOCKET (anyone
may connect: a rootless runtime too), accept N connections (a container
makes one; each exec makes one more), take the notify fd that comes with
each and read its message until the runtime closes the connection. Then
answer the first notification on the last fd with -ERRNO.

    seccomp-listener.py SOCKET OUT [--connections N] [--errno ERRNO]

OUT.ready appears once it listens; OUT gets {"message": the last message,
"nfds": the fds that came with it}; OUT.done "PID NR" of the notification
answered (PID as the runtime's pid namespace sees it)."""
import argparse
import fcntl
import json
import os
import socket
import struct

SECCOMP_IOCTL_NOTIF_RECV = 0xC0502100
SECCOMP_IOCTL_NOTIF_SEND = 0xC0182101


def receive(srv):
    conn, _ = srv.accept()
    msg, fds, _, _ = socket.recv_fds(conn, 65536, 1)
    while True:
        more = conn.recv(65536)
        if not more:
            break
        msg += more
    conn.close()
    return json.loads(msg), fds


def answer(fd, errno):
    req = bytearray(80)  # struct seccomp_notif
    fcntl.ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, req)
    notif_id, pid, _, nr = struct.unpack_from("=QIIi", req)
    resp = bytearray(struct.pack("=QqiI", notif_id, 0, -errno, 0))
    fcntl.ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, resp)
    return pid, nr


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("socket")
    ap.add_argument("out")
    ap.add_argument("--connections", type=int, default=1)
    ap.add_argument("--errno", type=int, default=95)  # EOPNOTSUPP
    a = ap.parse_args()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(a.socket)
    os.chmod(a.socket, 0o666)
    srv.listen(a.connections)
    open(a.out + ".ready", "w").close()
    for _ in range(a.connections):
        msg, fds = receive(srv)
    with open(a.out, "w") as f:
        json.dump({"message": msg, "nfds": len(fds)}, f)
    pid, nr = answer(fds[0], a.errno)
    with open(a.out + ".done", "w") as f:
        f.write("%d %d\n" % (pid, nr))


if __name__ == "__main__":
    main()
