#!/usr/bin/env bats
# A whiteout below a symlink: layer 1 has data/x, data/y and lnk -> /data;
# layer 2 has lnk/.wh.x. umoci 0.4.7 (the oracle here; containerd resolves
# the parent the same way, with fs.RootPath) resolves the whiteout's parent
# inside the rootfs: /data/x goes, lnk stays a symlink. Every backend must
# give that tree (specs/layers.md, "Whiteouts"); the layer caches of the
# overlay and squashfs backends resolve against the layers below.

load ../lib/helpers
load unpack_helpers
load security_helpers
load ../lib/vm

# whiteout_image: the two-layer image above on top of the demo image; prints its OCI layout dir.
whiteout_image() {
    local l1="$BATS_TEST_TMPDIR/l1" l2="$BATS_TEST_TMPDIR/l2" r1 r2
    mkdir -p "$l1/data" "$l2/lnk"
    echo x >"$l1/data/x"
    echo y >"$l1/data/y"
    ln -s /data "$l1/lnk"
    : >"$l2/lnk/.wh.x"
    tar -C "$l1" -cf "$BATS_TEST_TMPDIR/1.tar" data lnk
    tar -C "$l2" -cf "$BATS_TEST_TMPDIR/2.tar" lnk/.wh.x
    r1=$(demo_plus_layer "$BATS_TEST_TMPDIR/1.tar")
    r1=${r1#oci:}
    r2=$(layout_plus_layer "${r1%:demo}" "$BATS_TEST_TMPDIR/2.tar")
    r2=${r2#oci:}
    echo "${r2%:demo}"
}

# tree ROOTFS: what the rule decides, in one line.
tree() {
    local root=$1
    echo "lnk=$(stat -c %F "$root/lnk" 2>/dev/null) target=$(readlink "$root/lnk") data=$(ls "$root/data" | tr '\n' ' ')"
}

@test "whiteout below a symlink: umoci, the oracle, deletes the target inside the rootfs and keeps the link" {
    command -v umoci >/dev/null || skip "umoci is not installed"
    local img
    img=$(whiteout_image)
    umoci unpack --image "$img:demo" "$BATS_TEST_TMPDIR/u" >/dev/null
    [ "$(tree "$BATS_TEST_TMPDIR/u/rootfs")" = "lnk=symbolic link target=/data data=y " ]
}

@test "whiteout below a symlink: the copy backend follows the same rule" {
    local img
    img=$(whiteout_image)
    it_unpack --backend copy "oci:$img:demo" "$BATS_TEST_TMPDIR/b"
    [ "$(tree "$BATS_TEST_TMPDIR/b/rootfs")" = "lnk=symbolic link target=/data data=y " ]
}

# mounted_tree BACKEND: the tree a mounting backend gives (the bundle removed after).
mounted_tree() {
    local img b="$BATS_TEST_TMPDIR/b-$1" got
    img=$(whiteout_image)
    it_unpack --backend "$1" "oci:$img:demo" "$b"
    got=$(tree "$b/rootfs")
    "$IMAGETOOL" rm-bundle "$b"
    echo "$got"
}

@test "whiteout below a symlink: the overlay backend follows the same rule" {
    # The layer cache resolves a parent the layer does not carry against
    # the layers below (layer/below.c), and is keyed by chain ID.
    local got
    got=$(mounted_tree overlay)
    [ "$got" = "lnk=symbolic link target=/data data=y " ] || fail "overlay: $got"
}

@test "whiteout below a symlink: the squashfs backend follows the same rule" {
    local got
    got=$(mounted_tree squashfs)
    [ "$got" = "lnk=symbolic link target=/data data=y " ] || fail "squashfs: $got"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "whiteout below a symlink: the erofs backend follows the same rule (its layers convert in parallel: the top one waits for those below)" {
    local got
    got=$(mounted_tree erofs)
    [ "$got" = "lnk=symbolic link target=/data data=y " ] || fail "erofs: $got"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "whiteout below a symlink: a lower layer that fails (diff_id) is the error, the top one waiting for it does not hang, nothing is kept" {
    local img bad="$BATS_TEST_TMPDIR/bad" n
    img=$(whiteout_image)
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
    vm_unpack_payload "$(whiteout_image)" "$BATS_TEST_TMPDIR/payload"
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
