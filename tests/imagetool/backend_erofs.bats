#!/usr/bin/env bats
# The erofs layer-image backend: one uncompressed erofs image per layer in
# the store, written by imagetool itself while the layer streams, mounted
# read-only from its file (Linux 6.12+; a loop device before) under an
# overlay. Trees equal the copy backend's and umoci's; fsck.erofs (another
# implementation, erofs-utils) reads every image we write; no superblock,
# mount or loop device outlives its bundle.

load ../lib/helpers
load unpack_helpers
load layer-helpers
load ../lib/vm

ef_unpack() {
    it_unpack --backend erofs "$@"
}

# erofs superblocks the kernel holds now (each mount of an image is one)
erofs_supers() {
    compgen -G "/sys/fs/erofs/erofs-*" | wc -l
}

# kernel_mounts_files: erofs mounts a file without a loop device (6.12+)
kernel_mounts_files() {
    local v
    v=$(uname -r | cut -d- -f1)
    [ "$(printf '%s\n6.12\n' "$v" | sort -V | head -1)" = 6.12 ]
}

# fsck_images STORE: fsck.erofs passes on every erofs image in STORE
fsck_images() {
    local img
    for img in "$1"/images/*.erofs; do
        fsck.erofs "$img" >/dev/null 2>&1 || fail "fsck.erofs $img: $(fsck.erofs "$img" 2>&1 | tail -3)"
    done
}

@test "erofs: the demo image's tree equals the copy backend's; the layers mount from their files" {
    local ref="oci:$(demo_image):demo" store="$BATS_TEST_TMPDIR/store" supers
    supers=$(erofs_supers)
    it_unpack --backend copy "$ref" "$BATS_TEST_TMPDIR/copy"
    ef_unpack "$ref" "$BATS_TEST_TMPDIR/ef"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/ef/rootfs")
    [ "$(jq -r .backend "$BATS_TEST_TMPDIR/ef/.imagetool.json")" = erofs ]
    [ "$(findmnt -n -o FSTYPE --mountpoint "$BATS_TEST_TMPDIR/ef/rootfs")" = overlay ]
    local n_layers
    n_layers=$(jq '.rootfs.diff_ids | length' "$store"/blobs/sha256/"$(jq -r .config.digest[7:] "$store"/blobs/sha256/"$(jq -r '.manifests[0].digest[7:]' "$store/index.json")")")
    [ "$(ls "$store/images" | grep -c '\.erofs$')" -eq "$n_layers" ]
    [ "$(erofs_supers)" -eq $((supers + n_layers)) ]
    if kernel_mounts_files; then
        [ "$(loops_on "$store")" -eq 0 ]
    fi
    file -b "$store"/images/*.erofs | grep -q 'EROFS filesystem'
    fsck_images "$store"
    echo changed >"$BATS_TEST_TMPDIR/ef/rootfs/etc/issue"
    [ "$(cat "$BATS_TEST_TMPDIR/ef/.overlay/upper/etc/issue")" = changed ]
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/ef"
    [ "$(erofs_supers)" -eq "$supers" ]
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "erofs: every real image gives umoci's tree (EXPECTED), and fsck.erofs passes its images" {
    require_shared_images
    check_real_images erofs
    local store="$BATS_TEST_TMPDIR/store"
    fsck_images "$store"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "erofs: whiteouts, opaque dirs, hard links, devices, xattrs, setuid: the same tree as copy and umoci" {
    check_rules_image erofs
    fsck_images "$BATS_TEST_TMPDIR/store"
}

@test "erofs: inside the images whiteouts are 0:0 character devices and opaque dirs carry trusted.overlay.opaque" {
    make_rules_image
    ef_unpack "oci:$BATS_TEST_TMPDIR/rules:t" "$BATS_TEST_TMPDIR/ef"
    local hex m="$BATS_TEST_TMPDIR/m"
    hex=$(chain_id "$BATS_TEST_TMPDIR"/{l0.tar,l1.tar.gz,l2.tar})
    mkdir "$m"
    mount -t erofs -o ro,loop "$BATS_TEST_TMPDIR/store/images/${hex#sha256:}.erofs" "$m"
    [ "$(stat -c '%F %t:%T' "$m/keep/gone")" = "character special file 0:0" ]
    [ "$(getfattr --only-values -n trusted.overlay.opaque "$m/d")" = y ]
    [ ! -e "$m/d/.wh..wh..opq" ] && [ ! -e "$m/keep/.wh.gone" ]
    umount "$m"
    hex=$(chain_id "$BATS_TEST_TMPDIR"/{l0.tar,l1.tar.gz})
    mount -t erofs -o ro,loop "$BATS_TEST_TMPDIR/store/images/${hex#sha256:}.erofs" "$m"
    run getfattr -n trusted.overlay.opaque "$m/keep/notopaque"
    [ "$status" -ne 0 ]
    [ "$(stat -c '%t:%T %a' "$m/keep/blk")" = "7:c8 600" ]
    umount "$m"
}

# A layer at the format's edges: directories over many blocks (names up to
# 255 bytes, odd bytes sorting around "." and ".."), files of every size
# around a block, symlinks whose target is inlined or not, xattrs that push
# an inode past a block, deep paths.
make_edges_layer() {
    python3 -c '
import io, sys, tarfile
def add(tar, name, kind=tarfile.REGTYPE, data=b"", target="", xattrs=None, mode=0o644):
    ti = tarfile.TarInfo(name)
    ti.type, ti.mode, ti.mtime, ti.linkname = kind, mode, 1600000000, target
    for k, v in (xattrs or {}).items():
        ti.pax_headers["SCHILY.xattr." + k] = v
    ti.size = len(data) if kind == tarfile.REGTYPE else 0
    tar.addfile(ti, io.BytesIO(data) if kind == tarfile.REGTYPE else None)
with tarfile.open(sys.argv[1], "w", format=tarfile.PAX_FORMAT) as tar:
    add(tar, "big", tarfile.DIRTYPE, mode=0o755, xattrs={"user.dir": "d" * 300})
    for i in range(1500):
        n = ("%05d-" % i) + "n" * (i % 249)
        add(tar, "big/" + n, data=n.encode())
    for n in ["-", "!", "~", ".a", "..b", "...", "\x01", "\xff"]:
        add(tar, "big/" + n, data=n.encode("utf-8", "surrogateescape"))
    for size in [0, 1, 4095, 4096, 4097, 8191, 8192, 65539, 1048577]:
        add(tar, "sizes/%d" % size, data=bytes((i * 7 + size) % 251 for i in range(size)))
    add(tar, "links/short", tarfile.SYMTYPE, target="../sizes/1")
    add(tar, "links/inline", tarfile.SYMTYPE, target="a/" * 1995 + "x")
    add(tar, "links/block", tarfile.SYMTYPE, target="b/" * 2040 + "y")
    add(tar, "xattrs/many", data=b"m", xattrs={"user.k%02d" % i: "v" * 200 for i in range(12)})
    if len(sys.argv) > 2:  # more than ext4 holds: not for the copy backend
        add(tar, "xattrs/past-a-block", data=b"p", xattrs={"user.one": "1" * 3000, "user.two": "2" * 3000})
    add(tar, "/".join(["deep"] * 200) + "/leaf", data=b"leaf")
' "$@"
}

@test "erofs: a layer at the format's edges (big dirs, long names, block-sized files, long symlinks, big xattrs) unpacks as copy does" {
    make_edges_layer "$BATS_TEST_TMPDIR/l.tar"
    make_oci_image "$BATS_TEST_TMPDIR/img" t "$BATS_TEST_TMPDIR/l.tar"
    local ref="oci:$BATS_TEST_TMPDIR/img:t" r="$BATS_TEST_TMPDIR/ef/rootfs"
    it_unpack --backend copy "$ref" "$BATS_TEST_TMPDIR/copy"
    ef_unpack "$ref" "$BATS_TEST_TMPDIR/ef"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$r")
    # lookups by name (the kernel's binary search over the dir's blocks)
    [ "$(ls -a "$r/big" | wc -l)" -eq 1510 ]
    [ "$(cat "$r/big/00000-")" = "00000-" ]
    local n
    for n in 00248 00749 01499; do
        local name
        name=$(cd "$r/big" && ls | grep "^$n-")
        [ "$(cat "$r/big/$name")" = "$name" ]
    done
    [ "$(cat "$r/big/..b")" = "..b" ] && [ "$(cat "$r/big/-")" = "-" ]
    diff -r "$BATS_TEST_TMPDIR/copy/rootfs/sizes" "$r/sizes"
    [ "$(readlink "$r/links/block")" = "$(readlink "$BATS_TEST_TMPDIR/copy/rootfs/links/block")" ]
    [ "$(readlink "$r/links/inline" | wc -c)" -eq 3992 ]
    [ "$(getfattr --only-values -n user.k11 "$r/xattrs/many")" = "$(printf 'v%.0s' $(seq 200))" ]
    [ "$(getfattr --only-values -n user.dir "$r/big")" = "$(printf 'd%.0s' $(seq 300))" ]
    fsck_images "$BATS_TEST_TMPDIR/store"
    # an inode whose xattrs run past its block
    make_edges_layer "$BATS_TEST_TMPDIR/l2.tar" past-a-block
    make_oci_image "$BATS_TEST_TMPDIR/img2" t "$BATS_TEST_TMPDIR/l2.tar"
    r="$BATS_TEST_TMPDIR/ef2/rootfs"
    ef_unpack "oci:$BATS_TEST_TMPDIR/img2:t" "$BATS_TEST_TMPDIR/ef2"
    [ "$(getfattr --only-values -n user.one "$r/xattrs/past-a-block")" = "$(printf '1%.0s' $(seq 3000))" ]
    [ "$(getfattr --only-values -n user.two "$r/xattrs/past-a-block")" = "$(printf '2%.0s' $(seq 3000))" ]
    [ "$(cat "$r/xattrs/past-a-block")" = p ]
    fsck_images "$BATS_TEST_TMPDIR/store"
}

@test "erofs: gc keeps the images a bundle mounts (hard links; a ref across file systems), and removes them after rm-bundle" {
    local ref="oci:$(demo_image):demo" store="$BATS_TEST_TMPDIR/store" b="$BATS_TEST_TMPDIR/b" i supers
    supers=$(erofs_supers)
    for i in 1 2 3; do
        ef_unpack "$ref" "$b"
        "$IMAGETOOL" umount "$b"
        [ "$(erofs_supers)" -eq "$supers" ]
        "$IMAGETOOL" rm-bundle "$b"
    done
    ef_unpack "$ref" "$b"
    gc_keeps_images_of 'erofs: a bundle mounts it' "$store" "$b"
    # a bundle on another file system than the store pins by a ref in the store
    local other="$BATS_TEST_TMPDIR/other"
    mkdir "$other"
    mount -t tmpfs tmpfs "$other"
    ef_unpack "$ref" "$other/b"
    [ -n "$(ls "$store/bundles")" ]
    gc_keeps_images_of 'erofs: a bundle mounts it' "$store" "$other/b"
    umount "$other"
    "$IMAGETOOL" --store "$store" gc
    [ -z "$(ls "$store/images")" ]
    [ "$(erofs_supers)" -eq "$supers" ]
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "erofs: imagetool mount mounts an erofs bundle again with what the container wrote" {
    local store="$BATS_TEST_TMPDIR/store" b="$BATS_TEST_TMPDIR/ef"
    ef_unpack "oci:$(demo_image):demo" "$b"
    echo kept >"$b/rootfs/etc/written"
    "$IMAGETOOL" umount "$b"
    [ -z "$(ls -A "$b/rootfs")" ]
    run "$IMAGETOOL" --store "$store" mount "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(cat "$b/rootfs/etc/written")" = kept ]
    [ -x "$b/rootfs/bin/busybox" ]
    "$IMAGETOOL" rm-bundle "$b"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "erofs: two unpacks of the same image at once both work (each converts in parallel; the top layer waits for its view), one image per layer stays" {
    local img store="$BATS_TEST_TMPDIR/store" supers
    img=$(link_whiteout_image new)
    supers=$(erofs_supers)
    ef_unpack "oci:$img:demo" "$BATS_TEST_TMPDIR/a" &
    local pid=$!
    ef_unpack "oci:$img:demo" "$BATS_TEST_TMPDIR/b"
    wait "$pid"
    diff <(rootfs_listing "$BATS_TEST_TMPDIR/a/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/b/rootfs")
    [ "$(link_whiteout_tree "$BATS_TEST_TMPDIR/a/rootfs")" = "lnk=symbolic link target=/data data=new y " ]
    [ -z "$(ls "$store/tmp")" ]
    [ "$(ls "$store/images" | grep -c '\.erofs$')" = 4 ] || fail "$(ls "$store/images")"
    fsck_images "$store"
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
    [ "$(erofs_supers)" = "$supers" ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "erofs: a SIGKILL in the middle of a conversion leaves no image, and the next unpack works" {
    check_sigkill_conversion erofs
}

@test "erofs: a layer whose diff_id does not match leaves no image and no bundle" {
    check_diff_id_mismatch erofs
}

@test "erofs: hostile names land inside the image; a hard link out of the layer is refused" {
    check_hostile_names erofs
}

@test "erofs: the bundle runs under runc and under our runtime" {
    ef_unpack "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/ef" cat /etc/issue
    run runc_run "$BATS_TEST_TMPDIR/ef"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == Welcome* ]]
    run "$RUNTIME" --root "$BATS_TEST_TMPDIR/rt" run -b "$BATS_TEST_TMPDIR/ef" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *Welcome* ]]
}

@test "erofs: without --backend unpack picks erofs here, and says so" {
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"(erofs backend)"* ]]
    [ "$(jq -r .backend "$BATS_TEST_TMPDIR/b/.imagetool.json")" = erofs ]
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/b"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "erofs: on a kernel that mounts no file (Debian 12's 6.1, in the VM) the images mount through loop devices, and rm-bundle releases them" {
    require_vm
    vm_unpack_payload "$(demo_image)" "$BATS_TEST_TMPDIR/payload"
    cat >>"$BATS_TEST_TMPDIR/payload" <<'PAYLOAD'
$IT --store /tmp/s unpack "oci:$IMG:demo" /tmp/b >/tmp/out 2>&1; echo "R: unpack=$?"
echo "R: said=$(tr '\n' ' ' </tmp/out)"
grep -q '"backend": *"erofs"' /tmp/b/.imagetool.json; echo "R: backend-erofs=$?"
echo "R: loops=$(cat /sys/block/loop*/loop/backing_file 2>/dev/null | grep -c '^/tmp/s/images/.*\.erofs$')"
echo "R: overlay=$(grep -c ' /tmp/b/rootfs overlay ' /proc/mounts)"
$IT --store /tmp/s unpack -q --backend erofs "oci:$IMG:demo" /tmp/b2; echo "R: second=$?"
$IT --store /tmp/s unpack -q --backend copy "oci:$IMG:demo" /tmp/c; echo "R: copy=$?"
tree() { (cd "$1" && find . ! -type d -exec stat -c '%n %f %u %g %s' {} + | sort && find . -type d -exec stat -c '%n %f %u %g' {} + | sort && find . -type f -exec md5sum {} + | sort) | md5sum; }
[ "$(tree /tmp/b/rootfs)" = "$(tree /tmp/c/rootfs)" ] && [ "$(tree /tmp/b2/rootfs)" = "$(tree /tmp/c/rootfs)" ]
echo "R: same-tree=$?"
$IT rm-bundle /tmp/b; echo "R: rm=$?"
$IT rm-bundle /tmp/b2; echo "R: rm2=$?"
echo "R: loops-left=$(cat /sys/block/loop*/loop/backing_file 2>/dev/null | grep -c /tmp/s/)"
echo "R: mounts-left=$(grep -c ' /tmp/b' /proc/mounts)"
PAYLOAD
    vm_run --timeout 240 "${VM_UNPACK_COPIES[@]}" "$BATS_TEST_TMPDIR/payload"
    vm_is_debian12_kernel
    [ "$(vm_result unpack)" = 0 ]
    [[ "$(vm_result said)" == *"(erofs backend)"* ]]
    [ "$(vm_result backend-erofs)" = 0 ]
    [ "$(vm_result loops)" -ge 1 ]
    [ "$(vm_result overlay)" = 1 ]
    [ "$(vm_result second)" = 0 ]
    [ "$(vm_result copy)" = 0 ]
    [ "$(vm_result same-tree)" = 0 ]
    [ "$(vm_result rm)" = 0 ] && [ "$(vm_result rm2)" = 0 ]
    [ "$(vm_result loops-left)" = 0 ]
    [ "$(vm_result mounts-left)" = 0 ]
}

@test "erofs: a further bundle of an image in the store starts no thread and no process (nothing to import or convert)" {
    local ref="oci:$(demo_image):demo"
    ef_unpack "$ref" "$BATS_TEST_TMPDIR/first"
    ASAN_OPTIONS="${SANITIZE:+detect_leaks=0}" strace -f -qq -e trace=clone,clone3,fork,vfork -o "$BATS_TEST_TMPDIR/trace" \
        "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q --backend erofs "$ref" "$BATS_TEST_TMPDIR/second"
    [ ! -s "$BATS_TEST_TMPDIR/trace" ] || fail "$(cat "$BATS_TEST_TMPDIR/trace")"
    [ -x "$BATS_TEST_TMPDIR/second/rootfs/bin/busybox" ]
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/first"
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/second"
}
