# Helpers for the layer suites: build a one-image OCI layout from layer
# files (the umoci oracle reads it) and compare trees.

MANIFEST_PY="$PROJECT_ROOT/tests/lib/tree-listing.py"

# sha256 of a file, as "sha256:<hex>"
file_digest() {
    echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"
}

# diff_id of a layer file (its uncompressed bytes), any compression
layer_diff_id() {
    local cat=cat
    case "$(head -c4 "$1" | od -An -tx1 | tr -d ' ')" in
        1f8b*) cat=zcat ;;
        28b52ffd) cat="zstd -dc" ;;
        fd377a58) cat=xzcat ;;
        425a68*) cat=bzcat ;;
    esac
    echo "sha256:$($cat "$1" | sha256sum | cut -d' ' -f1)"
}

# make_oci_image DIR TAG LAYER...: an OCI layout at DIR holding one image
# (linux/amd64) whose layers are the given files, in order.
make_oci_image() {
    local dir=$1 tag=$2
    shift 2
    mkdir -p "$dir/blobs/sha256"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
    local layers="[]" diffs="[]" l d size mt
    for l in "$@"; do
        d=$(file_digest "$l")
        cp "$l" "$dir/blobs/sha256/${d#sha256:}"
        size=$(stat -c %s "$l")
        mt=application/vnd.oci.image.layer.v1.tar
        [ "$(head -c2 "$l" | od -An -tx1 | tr -d ' ')" = 1f8b ] && mt=$mt+gzip
        layers=$(jq -c --arg d "$d" --argjson s "$size" --arg mt "$mt" '. + [{mediaType:$mt,digest:$d,size:$s}]' <<<"$layers")
        diffs=$(jq -c --arg d "$(layer_diff_id "$l")" '. + [$d]' <<<"$diffs")
    done
    local cfg="$dir/config.tmp" man="$dir/manifest.tmp"
    jq -n --argjson diffs "$diffs" \
        '{architecture:"amd64",os:"linux",config:{Cmd:["/bin/sh"]},rootfs:{type:"layers",diff_ids:$diffs}}' >"$cfg"
    local cd cs
    cd=$(file_digest "$cfg")
    cs=$(stat -c %s "$cfg")
    mv "$cfg" "$dir/blobs/sha256/${cd#sha256:}"
    jq -n --arg cd "$cd" --argjson cs "$cs" --argjson layers "$layers" \
        '{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",
          config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$cd,size:$cs},layers:$layers}' >"$man"
    local md ms
    md=$(file_digest "$man")
    ms=$(stat -c %s "$man")
    mv "$man" "$dir/blobs/sha256/${md#sha256:}"
    jq -n --arg md "$md" --argjson ms "$ms" --arg tag "$tag" \
        '{schemaVersion:2,manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json",digest:$md,size:$ms,
          annotations:{"org.opencontainers.image.ref.name":$tag}}]}' >"$dir/index.json"
}

# umoci_rootfs DIR TAG OUT: umoci's rootfs of the image (the oracle)
umoci_rootfs() {
    umoci raw unpack --image "$1:$2" "$3" >/dev/null 2>&1
}

# apply_layers OUT [--whiteouts M] LAYER...: imagetool apply-layer, each in order
apply_layers() {
    local out=$1
    shift
    local opts=()
    if [ "$1" = --whiteouts ]; then
        opts=(--whiteouts "$2")
        shift 2
    fi
    local l
    for l in "$@"; do
        "$IMAGETOOL" apply-layer "${opts[@]}" --diff-id "$(layer_diff_id "$l")" "$l" "$out" || return 1
    done
}

# tree_listing DIR: the listing format of the EXPECTED/ trees (tests/lib/tree-listing.py)
tree_listing() {
    python3 "$MANIFEST_PY" "$1"
}

# tree_state DIR: every entry with type, mode, owner, size and content hash,
# link target, device numbers, hard-link group and xattrs (needs no ../shared)
tree_state() {
    python3 -c '
import hashlib, os, stat, sys
root = sys.argv[1]
paths = []
for d, dirs, files in os.walk(root):
    paths += [os.path.join(d, n) for n in dirs + files]
first = {}
for p in sorted(paths):
    st = os.lstat(p)
    rel = os.path.relpath(p, root)
    line = [rel, stat.filemode(st.st_mode), "%o" % stat.S_IMODE(st.st_mode), "%d:%d" % (st.st_uid, st.st_gid)]
    if stat.S_ISREG(st.st_mode):
        key = (st.st_dev, st.st_ino)
        if st.st_nlink > 1 and key in first:
            line.append("link=" + first[key])
        else:
            first[key] = rel
            line.append("%d %s" % (st.st_size, hashlib.sha256(open(p, "rb").read()).hexdigest()[:20]))
    elif stat.S_ISLNK(st.st_mode):
        line.append("-> " + os.readlink(p))
    elif stat.S_ISCHR(st.st_mode) or stat.S_ISBLK(st.st_mode):
        line.append("%d,%d" % (os.major(st.st_rdev), os.minor(st.st_rdev)))
    if not stat.S_ISLNK(st.st_mode):
        line += sorted("%s=%r" % (x, os.getxattr(p, x, follow_symlinks=False)) for x in os.listxattr(p, follow_symlinks=False))
    print(" ".join(line))
' "$1"
}

# same_tree A B: fail with the diff when the two trees differ
same_tree() {
    diff <(tree_state "$1") <(tree_state "$2") >&2
}

# docker_archive_layers ARCHIVE DIR [N]: unpack a docker-save archive (any
# compression) into DIR and print, for its Nth image (default 0), one
# "LAYER-PATH DIFF-ID" line per layer, in order.
docker_archive_layers() {
    local archive=$1 dir=$2 n=${3:-0}
    mkdir -p "$dir"
    tar -xf "$archive" -C "$dir" || return 1
    local cfg
    cfg=$(jq -r ".[$n].Config" "$dir/manifest.json")
    paste -d' ' <(jq -r ".[$n].Layers[] | \"$dir/\" + ." "$dir/manifest.json") \
        <(jq -r '.rootfs.diff_ids[]' "$dir/$cfg")
}

# oci_layers LAYOUT [MANIFEST-DIGEST]: "BLOB-PATH DIFF-ID" per layer of the
# layout's first manifest (or the given one).
oci_layers() {
    local dir=$1 md=${2:-}
    [ -n "$md" ] || md=$(jq -r '.manifests[0].digest' "$dir/index.json")
    local man="$dir/blobs/sha256/${md#sha256:}"
    local cfg
    cfg="$dir/blobs/sha256/$(jq -r '.config.digest' "$man" | cut -d: -f2)"
    paste -d' ' <(jq -r ".layers[].digest | \"$dir/blobs/sha256/\" + (split(\":\")[1])" "$man") \
        <(jq -r '.rootfs.diff_ids[]' "$cfg")
}

# apply_listed OUT MODE: apply the "LAYER DIFF-ID" lines on stdin in order
apply_listed() {
    local out=$1 mode=$2 layer diff
    while read -r layer diff; do
        "$IMAGETOOL" apply-layer --whiteouts "$mode" --diff-id "$diff" "$layer" "$out" || return 1
    done
}

# expect_tree DIR EXPECTED-FILE: the listing of DIR is exactly the reference
expect_tree() {
    diff "$2" <(tree_listing "$1") >&2
}

# make_tar OUT: a pax tar from a spec on stdin, one entry a line:
#   KIND PATH [key=value...]   KIND: file dir symlink hardlink chr blk fifo
#   keys: data= target= mode=(octal) owner=UID:GID dev=MAJ,MIN mtime=
#         xattr.NAME=VALUE (may repeat)
# Values cannot hold spaces; data gets a newline appended.
make_tar() {
    python3 -c '
import io, sys, tarfile
kinds = {"dir": tarfile.DIRTYPE, "symlink": tarfile.SYMTYPE, "hardlink": tarfile.LNKTYPE,
         "chr": tarfile.CHRTYPE, "blk": tarfile.BLKTYPE, "fifo": tarfile.FIFOTYPE, "file": tarfile.REGTYPE}
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as tar:
    for line in sys.stdin:
        f = line.split()
        if not f or f[0].startswith("#"):
            continue
        kind, name, opts = f[0], f[1], dict(o.split("=", 1) for o in f[2:] if not o.startswith("xattr."))
        ti = tarfile.TarInfo(name)
        ti.type = kinds[kind]
        ti.mtime = int(opts.get("mtime", "1600000000"))
        ti.mode = int(opts.get("mode", "755" if kind == "dir" else "644"), 8)
        ti.uid, ti.gid = map(int, opts.get("owner", "0:0").split(":"))
        ti.linkname = opts.get("target", "")
        if "dev" in opts:
            ti.devmajor, ti.devminor = map(int, opts["dev"].split(","))
        for o in f[2:]:
            if o.startswith("xattr."):
                k, v = o[6:].split("=", 1)
                ti.pax_headers["SCHILY.xattr." + k] = v
        data = None
        if kind == "file":
            data = (opts.get("data", name) + "\n").encode()
            ti.size = len(data)
        tar.addfile(ti, io.BytesIO(data) if data is not None else None)
' "$1"
}
