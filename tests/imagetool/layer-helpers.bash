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

# real_image_cases: the real images of ../shared a layer-image backend must
# unpack to umoci's tree: FOLDER NAME SOURCE [FLAGS], one a line.
real_image_cases() {
    cat <<'EOF'
dive-docker-save-14layers test-docker-image docker-archive:test-docker-image.tar
trivy-alpine-3.10-docker-save alpine-310 docker-archive:alpine-310.tar.gz
gcr-hello-world-docker25-save hello-world-v25 docker-archive:hello-world-v25.tar --platform=linux/arm64
gcr-docker-archives whiteout_image docker-archive:whiteout_image.tar
gcr-docker-archives overwritten_file docker-archive:overwritten_file.tar
gcr-docker-archives whiteout_dir docker-archive:whiteout_dir.tar
gcr-docker-archives test_link@0 docker-archive:test_link.tar:@0
gcr-docker-archives test_link@1 docker-archive:test_link.tar:@1
gcr-docker-archives test_bundle@0 docker-archive:test_bundle.tar:@0
gcr-docker-archives test_bundle@1 docker-archive:test_bundle.tar:@1
skopeo-docker-two-images docker-two-images@0 docker-archive:docker-two-images.tar.xz:@0
skopeo-docker-two-images docker-two-images@1 docker-archive:docker-two-images.tar.xz:@1
trivy-hello-world-oci test.oci oci:test.oci
dive-oci-compression test-oci-gzip-image oci-archive:test-oci-gzip-image.tar
dive-oci-compression test-oci-uncompressed-image oci-archive:test-oci-uncompressed-image.tar
dive-oci-compression test-oci-estargz-image oci-archive:test-oci-estargz-image.tar
docker-library-busybox-1.38-glibc-amd64-oci busybox-glibc-amd64 oci:layout
regclient-testrepo-oci testrepo-v1-amd64 oci:testrepo:v1 --platform=linux/amd64
skopeo-dir-schema2 uncompressed-image-s2 dir:uncompressed-image-s2
EOF
}

# Three layers (plain, gzip, plain) covering the overlay rules and the metadata a tree carries.
make_rules_image() {
    make_tar "$BATS_TEST_TMPDIR/l1.tar" <<'EOF'
dir d
file d/old
dir d/sub
file d/sub/deep
dir keep mode=1777 owner=12:34
file keep/setuid mode=4755
file keep/user xattr.user.note=hello
dir keep/notopaque xattr.trusted.overlay.opaque=y
file keep/notopaque/f
file keep/gone
hardlink keep/link target=keep/setuid
chr keep/null dev=1,3 mode=666
blk keep/blk dev=7,200 mode=600
fifo keep/fifo
symlink keep/sym target=../d/old
file keep/replaced data=first
file keep/replaced data=second
EOF
    make_tar "$BATS_TEST_TMPDIR/l2.tar" <<'EOF'
dir d
file d/.wh..wh..opq
file d/new
dir keep mode=1777 owner=12:34
file keep/.wh.gone
file fresh/implicit/parent
EOF
    # security.capability is binary (and holds a space): written here, not by make_tar
    python3 -c '
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as tar:
    d = tarfile.TarInfo("keep")
    d.type, d.mode, d.uid, d.gid = tarfile.DIRTYPE, 0o1777, 12, 34
    tar.addfile(d)
    n = tarfile.TarInfo("keep/notopaque")
    n.type = tarfile.DIRTYPE
    tar.addfile(n)
    lower = tarfile.TarInfo("keep/notopaque/lower")
    tar.addfile(lower, io.BytesIO(b""))
    ti = tarfile.TarInfo("keep/cap")
    ti.mode, ti.size, ti.mtime = 0o755, 4, 1600000000
    ti.pax_headers["SCHILY.xattr.security.capability"] = "\x01\x00\x00\x02\x20" + "\x00" * 15
    tar.addfile(ti, io.BytesIO(b"cap\n"))
' "$BATS_TEST_TMPDIR/l0.tar"
    gzip -k "$BATS_TEST_TMPDIR/l1.tar"
    make_oci_image "$BATS_TEST_TMPDIR/rules" t "$BATS_TEST_TMPDIR/l0.tar" "$BATS_TEST_TMPDIR/l1.tar.gz" "$BATS_TEST_TMPDIR/l2.tar"
}

# check_rules_tree ROOTFS: what make_rules_image's layers must give, beyond
# the listing: whiteouts, opaque dirs, replacement, hard links, xattrs, owners.
check_rules_tree() {
    local r=$1
    [ ! -e "$r/d/old" ] && [ ! -e "$r/d/sub" ] && [ -f "$r/d/new" ]
    [ ! -e "$r/keep/gone" ]
    [ "$(cat "$r/keep/replaced")" = second ]
    [ "$(stat -c %i "$r/keep/setuid")" = "$(stat -c %i "$r/keep/link")" ]
    [ "$(getcap "$r/keep/cap")" = "$r/keep/cap cap_kill=ep" ]
    [ "$(getfattr --only-values -n user.note "$r/keep/user")" = hello ]
    # the tar's trusted.overlay.opaque was dropped: the lower layer's file shows
    [ -f "$r/keep/notopaque/f" ] && [ -f "$r/keep/notopaque/lower" ]
    [ "$(stat -c '%a %u:%g' "$r/keep")" = "1777 12:34" ]
    [ "$(stat -c %Y "$r/keep/setuid")" = 1600000000 ]
}

# loops_on STORE: loop devices whose backing file is in STORE.
loops_on() {
    local f n=0
    for f in /sys/block/loop*/loop/backing_file; do
        [ -r "$f" ] && [[ "$(cat "$f" 2>/dev/null)" == "$1/"* ]] && n=$((n + 1))
    done
    echo "$n"
}

# chain_id LAYER...: the OCI ChainID of the layer files in order (the key of
# the last one's image in the store).
chain_id() {
    local id l
    id=$(layer_diff_id "$1")
    shift
    for l in "$@"; do
        id="sha256:$(printf '%s %s' "$id" "$(layer_diff_id "$l")" | sha256sum | cut -d' ' -f1)"
    done
    echo "$id"
}

# The layer-image backends' shared cases; BACKEND is squashfs or erofs.

# check_sigkill_conversion BACKEND: a SIGKILL in the middle of a conversion
# leaves no image and no loop device; the next unpack works.
check_sigkill_conversion() {
    local be=$1 src="$BATS_TEST_TMPDIR/src" store="$BATS_TEST_TMPDIR/store" i pid
    mkdir -p "$src/big"
    head -c 300M /dev/urandom >"$src/big/blob" # slow enough to be caught converting
    tar -C "$src" -cf "$BATS_TEST_TMPDIR/big.tar" big
    make_oci_image "$BATS_TEST_TMPDIR/img" t "$BATS_TEST_TMPDIR/big.tar"
    "$IMAGETOOL" --store "$store" pull -q "oci:$BATS_TEST_TMPDIR/img:t"
    "$IMAGETOOL" --store "$store" unpack -q --backend "$be" "oci:$BATS_TEST_TMPDIR/img:t" "$BATS_TEST_TMPDIR/b" &
    pid=$!
    for i in $(seq 200); do
        compgen -G "$store/tmp/image-*.$be" >/dev/null && break
        sleep 0.05
    done
    compgen -G "$store/tmp/image-*.$be" >/dev/null || fail "no conversion seen"
    kill -9 "$pid"
    wait "$pid" || true
    [ -z "$(ls "$store/images")" ]
    [ "$(loops_on "$store")" -eq 0 ]
    rm -rf "$BATS_TEST_TMPDIR/b"
    it_unpack --backend "$be" "oci:$BATS_TEST_TMPDIR/img:t" "$BATS_TEST_TMPDIR/b"
    cmp "$src/big/blob" "$BATS_TEST_TMPDIR/b/rootfs/big/blob"
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/b"
    "$IMAGETOOL" --store "$store" gc
    [ -z "$(ls "$store/tmp")" ]
}

# check_diff_id_mismatch BACKEND: a layer whose diff_id does not match
# leaves no image, no loop device, no bundle (exit 3).
check_diff_id_mismatch() {
    local be=$1
    make_tar "$BATS_TEST_TMPDIR/l.tar" <<<'file a'
    make_oci_image "$BATS_TEST_TMPDIR/img" t "$BATS_TEST_TMPDIR/l.tar"
    derive_image "$BATS_TEST_TMPDIR/img" "$BATS_TEST_TMPDIR/bad" \
        '.rootfs.diff_ids = ["sha256:0000000000000000000000000000000000000000000000000000000000000000"]'
    jq '.manifests[0].annotations["org.opencontainers.image.ref.name"] = "t"' "$BATS_TEST_TMPDIR/bad/index.json" >"$BATS_TEST_TMPDIR/i.json"
    mv "$BATS_TEST_TMPDIR/i.json" "$BATS_TEST_TMPDIR/bad/index.json"
    run it_unpack --backend "$be" "oci:$BATS_TEST_TMPDIR/bad:t" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [[ "$output" == *"diff_id mismatch"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
    [ -z "$(ls "$BATS_TEST_TMPDIR/store/images")" ] && [ -z "$(ls "$BATS_TEST_TMPDIR/store/tmp")" ]
    [ "$(loops_on "$BATS_TEST_TMPDIR/store")" -eq 0 ]
}

# check_hostile_names BACKEND: hostile names land inside the image (the
# copy backend's tree); a hard link out of the layer is refused.
check_hostile_names() {
    local be=$1
    make_tar "$BATS_TEST_TMPDIR/l.tar" <<'EOF'
file ../../escape data=a
file /abs/file data=b
dir x/../../y
file ./x/../z
EOF
    make_oci_image "$BATS_TEST_TMPDIR/img" t "$BATS_TEST_TMPDIR/l.tar"
    it_unpack --backend copy "oci:$BATS_TEST_TMPDIR/img:t" "$BATS_TEST_TMPDIR/copy"
    it_unpack --backend "$be" "oci:$BATS_TEST_TMPDIR/img:t" "$BATS_TEST_TMPDIR/li"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/li/rootfs")
    [ -f "$BATS_TEST_TMPDIR/li/rootfs/escape" ] && [ -f "$BATS_TEST_TMPDIR/li/rootfs/abs/file" ]
    make_tar "$BATS_TEST_TMPDIR/h.tar" <<<'hardlink shadow target=../../../etc/shadow'
    make_oci_image "$BATS_TEST_TMPDIR/himg" t "$BATS_TEST_TMPDIR/h.tar"
    run it_unpack --backend "$be" "oci:$BATS_TEST_TMPDIR/himg:t" "$BATS_TEST_TMPDIR/h"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [[ "$output" == *"hardlink target etc/shadow: not in this layer"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/h" ]
}

# check_real_images BACKEND: every real image of ../shared gives umoci's
# tree (EXPECTED); the zstd one, which has none, the copy backend's.
check_real_images() {
    local be=$1 s="$SHARED_IMAGES" folder name src flags b="$BATS_TEST_TMPDIR/b"
    while read -r folder name src flags; do
        # shellcheck disable=SC2086
        it_unpack --backend "$be" $flags "${src%%:*}:$s/$folder/${src#*:}" "$b" 2>/dev/null || fail "unpack $name"
        diff -u "$s/$folder/EXPECTED/$name.rootfs.txt" <(rootfs_listing "$b/rootfs") || fail "$name differs"
        "$IMAGETOOL" rm-bundle "$b"
    done < <(real_image_cases)
    src="oci-archive:$s/dive-oci-compression/test-oci-zstd-image.tar"
    it_unpack --backend copy "$src" "$BATS_TEST_TMPDIR/copy" 2>/dev/null
    it_unpack --backend "$be" "$src" "$b" 2>/dev/null
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$b/rootfs")
    "$IMAGETOOL" rm-bundle "$b"
}

# check_rules_image BACKEND: make_rules_image unpacked by BACKEND gives the
# copy backend's tree and umoci's, and what check_rules_tree asks.
check_rules_image() {
    local be=$1 ref="oci:$BATS_TEST_TMPDIR/rules:t" r="$BATS_TEST_TMPDIR/li/rootfs"
    make_rules_image
    it_unpack --backend copy "$ref" "$BATS_TEST_TMPDIR/copy"
    it_unpack --backend "$be" "$ref" "$BATS_TEST_TMPDIR/li"
    umoci unpack --image "$BATS_TEST_TMPDIR/rules:t" "$BATS_TEST_TMPDIR/umoci" >/dev/null
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$r")
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/umoci/rootfs") <(rootfs_listing "$r")
    check_rules_tree "$r"
}

# without_library SONAME CMD...: CMD in a mount namespace where the library
# SONAME (as the dynamic loader finds it) reads as an empty file, as on a
# host without its package.
without_library() {
    local lib
    lib=$(ldconfig -p | awk -v so="$1" '$1 == so { print $NF; exit }')
    [ -n "$lib" ] || fail "$1 is not installed"
    shift
    unshare -m sh -c 'mount --bind /dev/null "$1" && shift && exec "$@"' _ "$lib" "$@"
}

# gc_keeps_images_of WHY STORE BUNDLE: with the image's name gone, gc keeps
# the images BUNDLE mounts and says WHY; then BUNDLE is removed.
gc_keeps_images_of() {
    local why=$1 store=$2 b=$3
    "$IMAGETOOL" --store "$store" rm "$(jq -r '.manifests[0].digest' "$store/index.json")"
    "$IMAGETOOL" --store "$store" gc 2>"$BATS_TEST_TMPDIR/gc.err"
    grep -q "$why" "$BATS_TEST_TMPDIR/gc.err" || fail "gc did not say '$why': $(cat "$BATS_TEST_TMPDIR/gc.err")"
    [ -n "$(ls "$store/images")" ]
    cat "$b/rootfs/etc/issue" >/dev/null
    "$IMAGETOOL" rm-bundle "$b"
}
