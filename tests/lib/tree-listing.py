#!/usr/bin/env python3
"""tree-listing.py [--no-owner] DIR: the project's own listing of an unpacked
rootfs, in the line format of the EXPECTED/ listings beside the real images,
so that trees made by imagetool, umoci or the reference tools compare with diff.

Each entry below DIR (DIR itself excluded), sorted by the bytes of its path:
    /PATH TYPE MODE UID:GID DETAIL
TYPE is f d l c b p s; MODE is four octal digits (setuid/setgid/sticky kept);
DETAIL is "SIZE SHA256[:16]" for a file, "hl=/FIRST" for a later hard link
to a file already listed, "-> TARGET" for a symlink, "MAJOR,MINOR" for a
device, nothing otherwise. Trailing blanks are stripped. No timestamps.
"""
import hashlib
import os
import stat
import sys

KINDS = ((stat.S_ISREG, "f"), (stat.S_ISDIR, "d"), (stat.S_ISLNK, "l"),
         (stat.S_ISCHR, "c"), (stat.S_ISBLK, "b"), (stat.S_ISFIFO, "p"))


def walk_bytes(top):
    """Every path below top, as bytes relative to it."""
    stack = [b""]
    while stack:
        rel = stack.pop()
        with os.scandir(os.path.join(top, rel) if rel else top) as it:
            for e in it:
                path = os.path.join(rel, e.name) if rel else e.name
                yield path
                if e.is_dir(follow_symlinks=False):
                    stack.append(path)


def file_digest(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        while True:
            block = f.read(1 << 20)
            if not block:
                return h.hexdigest()[:16]
            h.update(block)


def describe(top, rel, first_link, with_owner):
    full = os.path.join(top, rel)
    st = os.lstat(full)
    kind = next((k for test, k in KINDS if test(st.st_mode)), "s")
    if kind == "f":
        inode = (st.st_dev, st.st_ino)
        if st.st_nlink > 1 and inode in first_link:
            detail = b"hl=" + first_link[inode]
        else:
            if st.st_nlink > 1:
                first_link[inode] = b"/" + rel
            detail = b"%d %s" % (st.st_size, file_digest(full).encode())
    elif kind == "l":
        detail = b"-> " + os.readlink(full)
    elif kind in "cb":
        detail = b"%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev))
    else:
        detail = b""
    owner = b"%d:%d" % (st.st_uid, st.st_gid) if with_owner else b"-"
    line = b" ".join([b"/" + rel, kind.encode(), b"%04o" % stat.S_IMODE(st.st_mode), owner, detail])
    return line.rstrip() + b"\n"


def main(argv):
    with_owner = True
    if argv[:1] == ["--no-owner"]:
        with_owner, argv = False, argv[1:]
    if len(argv) != 1:
        sys.stderr.write(__doc__)
        return 2
    top = os.fsencode(os.path.abspath(argv[0]))
    first_link = {}
    out = sys.stdout.buffer
    for rel in sorted(walk_bytes(top)):
        out.write(describe(top, rel, first_link, with_owner))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
