#!/usr/bin/env bats
# A whiteout below a symlink: layer 1 has data/x, data/y and lnk -> /data;
# layer 2 has lnk/.wh.x (and, as its neighbour, lnk/new). umoci 0.4.7 (the
# oracle here; containerd resolves the parent the same way, with
# fs.RootPath) resolves the entries' parent inside the rootfs: /data/x
# goes, /data/new comes, lnk stays a symlink. Every backend must give that
# tree (specs/layers.md, "Whiteouts"), for root and for an ordinary user;
# the layer caches and images resolve against the layers below. The image
# is unpack_helpers' link_whiteout_image.

load ../lib/helpers
load unpack_helpers
load security_helpers
load ../lib/vm

@test "whiteout below a symlink: umoci, the oracle, deletes the target inside the rootfs and keeps the link" {
    command -v umoci >/dev/null || skip "umoci is not installed"
    local img
    img=$(link_whiteout_image)
    umoci unpack --image "$img:demo" "$BATS_TEST_TMPDIR/u" >/dev/null
    [ "$(link_whiteout_tree "$BATS_TEST_TMPDIR/u/rootfs")" = "lnk=symbolic link target=/data data=y " ]
    img=$(link_whiteout_image new)
    umoci unpack --image "$img:demo" "$BATS_TEST_TMPDIR/n" >/dev/null
    [ "$(link_whiteout_tree "$BATS_TEST_TMPDIR/n/rootfs")" = "lnk=symbolic link target=/data data=new y " ]
}

@test "whiteout below a symlink: the copy backend follows the same rule (a new file below the link too)" {
    local img
    img=$(link_whiteout_image new)
    it_unpack --backend copy "oci:$img:demo" "$BATS_TEST_TMPDIR/b"
    [ "$(link_whiteout_tree "$BATS_TEST_TMPDIR/b/rootfs")" = "lnk=symbolic link target=/data data=new y " ]
}

# mounted_tree BACKEND: the tree a mounting backend gives of `link_whiteout_image new` (the bundle removed after).
mounted_tree() {
    local img b="$BATS_TEST_TMPDIR/b-$1" got
    img=$(link_whiteout_image new)
    it_unpack --backend "$1" "oci:$img:demo" "$b"
    got=$(link_whiteout_tree "$b/rootfs")
    "$IMAGETOOL" rm-bundle "$b"
    echo "$got"
}

@test "whiteout below a symlink: the overlay backend follows the same rule" {
    # The layer cache resolves a parent the layer does not carry against
    # the layers below (layer/below.c), and is keyed by chain ID.
    local got
    got=$(mounted_tree overlay)
    [ "$got" = "lnk=symbolic link target=/data data=new y " ] || fail "overlay: $got"
}

@test "whiteout below a symlink: the squashfs backend follows the same rule" {
    local got
    got=$(mounted_tree squashfs)
    [ "$got" = "lnk=symbolic link target=/data data=new y " ] || fail "squashfs: $got"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "whiteout below a symlink: the erofs backend follows the same rule (its layers convert in parallel: the top one waits for those below)" {
    local got
    got=$(mounted_tree erofs)
    [ "$got" = "lnk=symbolic link target=/data data=new y " ] || fail "erofs: $got"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "whiteout below a symlink: a lower layer that fails (diff_id) is the error, the top one waiting for it does not hang, nothing is kept" {
    local img bad="$BATS_TEST_TMPDIR/bad" n
    img=$(link_whiteout_image)
    n=$(jq '.layers | length' "$img/blobs/sha256/$(jq -r '.manifests[0].digest[7:]' "$img/index.json")")
    derive_image "$img" "$bad" ".rootfs.diff_ids[$((n - 2))] = \"sha256:$(printf '%064d' 0)\""
    jq '.manifests[0].annotations["org.opencontainers.image.ref.name"] = "demo"' "$bad/index.json" >"$BATS_TEST_TMPDIR/i.json"
    mv "$BATS_TEST_TMPDIR/i.json" "$bad/index.json"
    local be
    for be in erofs squashfs; do
        run timeout 60 "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store-$be" unpack -q --backend "$be" "oci:$bad:demo" "$BATS_TEST_TMPDIR/b"
        [ "$status" -eq 3 ] || fail "$be: status $status: $output"
        [[ "$output" == *"layer $((n - 1)) "*"diff_id mismatch"* ]] || fail "$be: $output"
        [ "${#lines[@]}" -eq 1 ] || fail "$be: $output"
        [ ! -e "$BATS_TEST_TMPDIR/b" ]
        [ -z "$(ls "$BATS_TEST_TMPDIR/store-$be/images")" ] && [ -z "$(ls "$BATS_TEST_TMPDIR/store-$be/tmp")" ] || fail "$be: images left"
    done
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "whiteout below a symlink: on Debian 12's kernel (6.1, in the VM) every backend gives the rule's tree (the view of the layers below: images attached in a child)" {
    require_vm
    vm_unpack_payload "$(link_whiteout_image)" "$BATS_TEST_TMPDIR/payload"
    cat >>"$BATS_TEST_TMPDIR/payload" <<'PAYLOAD'
for be in erofs squashfs overlay copy; do
    $IT --store /tmp/s unpack -q --backend $be "oci:$IMG:demo" /tmp/$be 2>/tmp/err-$be
    rc=$? r=/tmp/$be/rootfs
    echo "R: $be=$rc lnk=$(stat -c %F $r/lnk 2>/dev/null) target=$(readlink $r/lnk) data=$(ls $r/data | tr '\n' ' ')"
    echo "R: $be-err=$(tr '\n' ' ' </tmp/err-$be)"
done
for be in erofs squashfs overlay copy; do $IT rm-bundle /tmp/$be || echo "R: rm-failed=$be"; done
echo "R: mounts-left=$(grep -c ' /tmp/s\| /tmp/erofs\| /tmp/squashfs\| /tmp/overlay' /proc/mounts)"
echo "R: loops-left=$(cat /sys/block/loop*/loop/backing_file 2>/dev/null | grep -c /tmp/s/)"
PAYLOAD
    vm_run --timeout 300 "${VM_UNPACK_COPIES[@]}" "$BATS_TEST_TMPDIR/payload"
    vm_is_debian12_kernel
    local be
    for be in erofs squashfs overlay copy; do
        [ "$(vm_result "$be")" = "0 lnk=symbolic link target=/data data=y " ] || fail "$be: $(vm_result "$be") $(vm_result "$be-err")"
    done
    [ -z "$(vm_result rm-failed)" ]
    [ "$(vm_result mounts-left)" = 0 ]
    [ "$(vm_result loops-left)" = 0 ]
}

@test "whiteout below a symlink: an ordinary user on Debian 12's kernel (6.1, in the VM) gets the rule's tree from the overlay and copy backends (the user's view of the layers below, in a child's user namespace)" {
    require_vm
    [ "$(id -u)" = 0 ] || skip "needs root (to make the VM's user)"
    vm_unpack_payload "$(link_whiteout_image new)" "$BATS_TEST_TMPDIR/payload"
    printf 'RT=%s\n' "$RUNTIME" >>"$BATS_TEST_TMPDIR/payload"
    cat >>"$BATS_TEST_TMPDIR/payload" <<'PAYLOAD'
echo 'u:x:1000:1000::/home/u:/bin/sh' >>/etc/passwd
echo 'u:x:1000:' >>/etc/group
mkdir -p /home/u/run && cp -a "$IMG" /home/u/image && chown -R 1000:1000 /home/u && chmod 700 /home/u/run
cat >/userpart <<'USER'
tree() { echo "lnk=$(stat -c %F $1/lnk 2>/dev/null) target=$(readlink $1/lnk) data=$(ls $1/data | tr '\n' ' ')"; }
$IT unpack -q --backend copy oci:/home/u/image:demo /home/u/copy 2>/tmp/err-copy
echo "R: copy=$? $(tree /home/u/copy/rootfs)"
echo "R: copy-err=$(tr '\n' ' ' </tmp/err-copy)"
# the overlay is mounted by the runtime, in the container: the tree is what the container sees
$IT unpack -q oci:/home/u/image:demo /home/u/ov sh -c 'echo "lnk=$(stat -c %F /lnk) target=$(readlink /lnk) data=$(ls /data | tr "\n" " ")"' 2>/tmp/err-ov
echo "R: ov-unpack=$? backend=$(sed -n 's/.*"backend": *"\([a-z]*\)".*/\1/p' /home/u/ov/.imagetool.json)"
echo "R: ov-err=$(tr '\n' ' ' </tmp/err-ov)"
$RT run -b /home/u/ov w >/tmp/ov.out 2>/tmp/ov.err </dev/null
echo "R: overlay=$? $(grep '^lnk=' /tmp/ov.out)"
echo "R: overlay-err=$(grep -v 'unknown to libseccomp' /tmp/ov.err | tr '\n' ' ')"
$RT delete -f w 2>/dev/null
for b in copy ov; do $IT rm-bundle /home/u/$b || echo "R: rm-failed=$b"; done
echo "R: left=$(ls /home/u | tr '\n' ' ')"
USER
/usr/bin/setpriv --reuid=1000 --regid=1000 --clear-groups \
    env HOME=/home/u XDG_RUNTIME_DIR=/home/u/run IT="$IT" RT="$RT" sh /userpart
echo "R: mounts-left=$(grep -c ' /home/u' /proc/mounts)"
PAYLOAD
    vm_run --timeout 300 "${VM_UNPACK_COPIES[@]}" --copy "$RUNTIME" --copy /usr/bin/setpriv "$BATS_TEST_TMPDIR/payload"
    vm_is_debian12_kernel
    [ "$(vm_result copy)" = "0 lnk=symbolic link target=/data data=new y " ] || fail "copy: $(vm_result copy) $(vm_result copy-err)"
    [ "$(vm_result ov-unpack)" = "0 backend=overlay" ] || fail "overlay unpack: $(vm_result ov-unpack) $(vm_result ov-err)"
    [ "$(vm_result overlay)" = "0 lnk=symbolic link target=/data data=new y " ] || fail "overlay: $(vm_result overlay) $(vm_result overlay-err)"
    [ -z "$(vm_result rm-failed)" ]
    [ "$(vm_result left)" = "image run " ]
    [ "$(vm_result mounts-left)" = 0 ]
}
