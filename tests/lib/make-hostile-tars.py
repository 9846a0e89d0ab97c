#!/usr/bin/env python3
"""make-hostile-tars.py OUTDIR CANARY - write layer tars that try to reach
outside the directory they are applied to, one case per OUTDIR/<case>.tar.

CANARY is the absolute path of a directory next to the target (holding a
file named "file"); the target is assumed to be CANARY/../<something>, so
"../canary" reaches it relatively. An unpacker that is safe leaves CANARY,
/etc/passwd and /etc/shadow exactly as they were.
"""
import io
import os
import sys
import tarfile


def add(tar, name, kind="file", data=b"pwned\n", target=None, mode=None, dev=(0, 0)):
    info = tarfile.TarInfo(name)
    info.mtime = 1500000000
    info.uid = info.gid = 0
    if kind == "file":
        info.size = len(data)
        info.mode = mode if mode is not None else 0o644
        tar.addfile(info, io.BytesIO(data))
        return
    info.type = {
        "dir": tarfile.DIRTYPE,
        "symlink": tarfile.SYMTYPE,
        "hardlink": tarfile.LNKTYPE,
        "chr": tarfile.CHRTYPE,
        "blk": tarfile.BLKTYPE,
        "fifo": tarfile.FIFOTYPE,
    }[kind]
    info.mode = mode if mode is not None else (0o755 if kind == "dir" else 0o644)
    if target is not None:
        info.linkname = target
    info.devmajor, info.devminor = dev
    tar.addfile(info)


def dirs_of(path):
    """dir entries for every component of an absolute path, as relative names"""
    parts = path.strip("/").split("/")
    return ["/".join(parts[: i + 1]) + "/" for i in range(len(parts))]


def cases(canary):
    rel_canary = "../" + os.path.basename(canary)
    return {
        # ".." walking up, at the start and in the middle
        "dotdot": [
            ("../dotdot-escape", "file"),
            ("a/../../dotdot-escape2", "file"),
            (rel_canary + "/pwned", "file"),
            ("../../../../../../../../tmp/dotdot-escape3", "file"),
        ],
        # absolute names
        "absolute": [
            ("/abs-escape", "file"),
            (canary + "/pwned-abs", "file"),
        ],
        # a symlinked parent pointing outside, absolutely; the tar carries
        # the same path inside, so the file lands there
        "symlink-parent-abs": [(d, "dir") for d in dirs_of(canary)]
        + [("a", "symlink", canary), ("a/pwned", "file")],
        # the same, relatively ("a -> ../canary")
        "symlink-parent-rel": [
            (os.path.basename(canary) + "/", "dir"),
            ("up", "symlink", rel_canary),
            ("up/pwned", "file"),
        ],
        # a -> /etc, then a/passwd (the tar has its own etc/)
        "symlink-etc-passwd": [("etc/", "dir"), ("a", "symlink", "/etc"), ("a/passwd", "file")],
        # a symlink to outside whose parent does not exist inside: refused
        "symlink-parent-dangling": [("a", "symlink", canary), ("a/pwned", "file")],
        # a symlink loop as a parent: refused, nothing made
        "symlink-loop": [("a", "symlink", "a"), ("a/x", "file")],
        # a chain of symlinks climbing out: each resolves inside
        "symlink-chain": [
            ("b", "symlink", "../../../../.."),
            ("c", "symlink", "b/.."),
            ("c/chain-escape", "file"),
            ("b/chain-escape2", "file"),
        ],
        # hardlinks to files outside
        "hardlink-shadow": [("shadow", "hardlink", "/etc/shadow")],
        "hardlink-rel": [("h", "hardlink", rel_canary + "/file")],
        "hardlink-abs": [("h", "hardlink", canary + "/file")],
        "hardlink-via-symlink": [("s", "symlink", canary), ("h", "hardlink", "s/file")],
        # a symlink to an outside file, then a regular file of the same name
        "symlink-then-file": [("f", "symlink", canary + "/file"), ("f", "file", b"inside\n")],
        # a symlink to an outside dir, then a dir of the same name and a file in it
        "symlink-then-dir": [("d", "symlink", canary), ("d/", "dir"), ("d/x", "file")],
        # device nodes and fifos named with ".."
        "devices-dotdot": [
            ("../../dev-escape", "chr", None, dev_mode(), (1, 3)),
            ("a/../../../blk-escape", "blk", None, dev_mode(), (7, 0)),
            (rel_canary + "/fifo-escape", "fifo"),
        ],
        # whiteouts aimed outside, directly and through a symlinked parent
        "whiteout-escape": [
            ("../.wh." + os.path.basename(canary), "file"),
            ("s", "symlink", canary),
            ("s/.wh.file", "file"),
            ("s/.wh..wh..opq", "file"),
            ("up", "symlink", rel_canary),
            ("up/.wh.file", "file"),
        ],
    }


def dev_mode():
    return 0o600


def main():
    if len(sys.argv) != 3 or not os.path.isabs(sys.argv[2]):
        print(__doc__, file=sys.stderr)
        return 2
    out, canary = sys.argv[1], sys.argv[2].rstrip("/")
    os.makedirs(out, exist_ok=True)
    for name, entries in cases(canary).items():
        with tarfile.open(os.path.join(out, name + ".tar"), "w", format=tarfile.GNU_FORMAT) as tar:
            for e in entries:
                path, kind = e[0], e[1]
                target = e[2] if len(e) > 2 else None
                if kind == "file":
                    add(tar, path, data=target if isinstance(target, bytes) else b"pwned\n")
                elif kind in ("chr", "blk"):
                    add(tar, path, kind, mode=e[3], dev=e[4])
                else:
                    add(tar, path, kind, target=target)
    return 0


if __name__ == "__main__":
    sys.exit(main())
