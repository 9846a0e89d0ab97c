#!/usr/bin/env bats
# The layer-image (squashfs) backend: one squashfs image per layer in the
# store, loop-mounted read-only under an overlay. Trees equal the copy
# backend's and umoci's; mounts and loop devices never leak.

load ../lib/helpers
load unpack_helpers
load layer-helpers

sq_unpack() {
    it_unpack --backend squashfs "$@"
}

@test "layerimg: the demo image's tree equals the copy backend's; rootfs is an overlay of loop-mounted images" {
    local ref="oci:$(demo_image):demo" store="$BATS_TEST_TMPDIR/store"
    it_unpack --backend copy "$ref" "$BATS_TEST_TMPDIR/copy"
    sq_unpack "$ref" "$BATS_TEST_TMPDIR/sq"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/sq/rootfs")
    [ "$(jq -r .backend "$BATS_TEST_TMPDIR/sq/.imagetool.json")" = squashfs ]
    [ "$(findmnt -n -o FSTYPE --mountpoint "$BATS_TEST_TMPDIR/sq/rootfs")" = overlay ]
    local n_layers
    n_layers=$(jq '.rootfs.diff_ids | length' "$store"/blobs/sha256/"$(jq -r .config.digest[7:] "$store"/blobs/sha256/"$(jq -r '.manifests[0].digest[7:]' "$store/index.json")")")
    [ "$(ls "$store/images" | grep -c '\.squashfs$')" -eq "$n_layers" ]
    [ "$(loops_on "$store")" -eq "$n_layers" ]
    # the images are squashfs, read-only, and writes go to the bundle's upper dir
    file -b "$store"/images/*.squashfs | grep -q 'Squashfs filesystem'
    echo changed >"$BATS_TEST_TMPDIR/sq/rootfs/etc/issue"
    [ "$(cat "$BATS_TEST_TMPDIR/sq/.overlay/upper/etc/issue")" = changed ]
    [[ "$(cat "$BATS_TEST_TMPDIR/copy/rootfs/etc/issue")" == Welcome* ]]
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/sq"
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "layerimg: every real image gives umoci's tree (EXPECTED) and releases its loop devices" {
    require_shared_images
    check_real_images squashfs
    local store="$BATS_TEST_TMPDIR/store"
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "layerimg: whiteouts, opaque dirs, hard links, devices, xattrs, setuid: the same tree as copy and umoci" {
    check_rules_image squashfs
}

@test "layerimg: inside the images whiteouts are 0:0 character devices and opaque dirs carry trusted.overlay.opaque" {
    make_rules_image
    sq_unpack "oci:$BATS_TEST_TMPDIR/rules:t" "$BATS_TEST_TMPDIR/sq"
    local top hex m="$BATS_TEST_TMPDIR/m"
    hex=$(chain_id "$BATS_TEST_TMPDIR"/{l0.tar,l1.tar.gz,l2.tar})
    top="$BATS_TEST_TMPDIR/store/images/${hex#sha256:}.squashfs"
    mkdir "$m"
    mount -o ro,loop "$top" "$m"
    [ "$(stat -c '%F %t:%T' "$m/keep/gone")" = "character special file 0:0" ]
    [ "$(getfattr --only-values -n trusted.overlay.opaque "$m/d")" = y ]
    [ ! -e "$m/d/.wh..wh..opq" ] && [ ! -e "$m/keep/.wh.gone" ]
    umount "$m"
    hex=$(chain_id "$BATS_TEST_TMPDIR"/{l0.tar,l1.tar.gz})
    mount -o ro,loop "$BATS_TEST_TMPDIR/store/images/${hex#sha256:}.squashfs" "$m"
    run getfattr -n trusted.overlay.opaque "$m/keep/notopaque"
    [ "$status" -ne 0 ]
    umount "$m"
}

@test "layerimg: umount, rm-bundle and gc cycles leave no mount and no loop device; gc keeps an image in use" {
    local ref="oci:$(demo_image):demo" store="$BATS_TEST_TMPDIR/store" b="$BATS_TEST_TMPDIR/b" i
    for i in 1 2 3; do
        sq_unpack "$ref" "$b"
        "$IMAGETOOL" umount "$b"
        [ "$(loops_on "$store")" -eq 0 ]
        "$IMAGETOOL" rm-bundle "$b"
    done
    sq_unpack "$ref" "$b"
    gc_keeps_images_of 'a loop device (a mounted bundle) uses it' "$store" "$b"
    "$IMAGETOOL" --store "$store" gc
    [ -z "$(ls "$store/images")" ]
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "layerimg: a second bundle reads the layers through the first's loop devices; either may go first" {
    local ref="oci:$(demo_image):demo" store="$BATS_TEST_TMPDIR/store" t="$BATS_TEST_TMPDIR" n
    it_unpack --backend copy "$ref" "$t/copy"
    sq_unpack "$ref" "$t/one"
    n=$(loops_on "$store")
    [ "$n" -gt 0 ]
    sq_unpack "$ref" "$t/two"
    [ "$(loops_on "$store")" -eq "$n" ]
    echo two >"$t/two/rootfs/etc/issue"
    [[ "$(cat "$t/one/rootfs/etc/issue")" == Welcome* ]]
    "$IMAGETOOL" rm-bundle "$t/one"
    [ "$(loops_on "$store")" -eq "$n" ]
    # the second bundle reads on: the image's tree and its own write
    [ "$(cat "$t/two/rootfs/etc/issue")" = two ]
    diff -u <(rootfs_listing "$t/copy/rootfs" | grep -v 'etc/issue') <(rootfs_listing "$t/two/rootfs" | grep -v 'etc/issue')
    "$IMAGETOOL" rm-bundle "$t/two"
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$t/"
}

@test "layerimg: a device noted on an image that now reads another file, or nothing, is not used" {
    local ref="oci:$(demo_image):demo" store="$BATS_TEST_TMPDIR/store" t="$BATS_TEST_TMPDIR" other img
    it_unpack --backend copy "$ref" "$t/copy"
    sq_unpack "$ref" "$t/one"
    "$IMAGETOOL" rm-bundle "$t/one"
    # a decoy: a copy of one layer's image on a device of its own; every
    # image says it is on that device (trusted, every layer would read as
    # that one and the tree would differ)
    [ "$(ls "$store"/images/*.squashfs | wc -l)" -ge 2 ]
    cp "$(ls "$store"/images/*.squashfs | head -1)" "$t/decoy"
    other=$(losetup -f --show -r "$t/decoy")
    for img in "$store"/images/*.squashfs; do
        setfattr -n trusted.imagetool.loop -v "${other#/dev/loop}" "$img"
    done
    sq_unpack "$ref" "$t/two"
    # nothing holds the decoy's device: it detaches at once
    losetup -d "$other"
    [ ! -e "/sys/block/${other#/dev/}/loop/backing_file" ]
    diff -u <(rootfs_listing "$t/copy/rootfs") <(rootfs_listing "$t/two/rootfs")
    "$IMAGETOOL" rm-bundle "$t/two"
    # noted devices that are gone now: a fresh device again
    sq_unpack "$ref" "$t/three"
    diff -u <(rootfs_listing "$t/copy/rootfs") <(rootfs_listing "$t/three/rootfs")
    "$IMAGETOOL" rm-bundle "$t/three"
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$t/"
}

@test "layerimg: an unpack makes its new layer images (and overlay's layer dirs) durable in one syncfs, named after it" {
    command -v strace >/dev/null || skip "strace is not installed"
    local be store trace n
    for be in squashfs overlay; do
        store="$BATS_TEST_TMPDIR/store-$be" trace="$BATS_TEST_TMPDIR/trace-$be"
        ASAN_OPTIONS="${SANITIZE:+detect_leaks=0}" strace -f -qq -y -e trace=fsync,fdatasync,syncfs,rename -o "$trace" \
            "$IMAGETOOL" --store "$store" unpack -q --backend "$be" "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/b-$be"
        # one syncfs for the imported blobs, one for the layers: none per layer
        [ "$(grep -c 'syncfs(' "$trace")" = 2 ] || fail "$be: $(cat "$trace")"
        ! grep -E 'f(data)?sync\([0-9]+<[^>]*/tmp/(image|layer)-' "$trace" || fail "$be: a layer synced on its own"
        # every layer's rename comes after the second syncfs
        n=$(grep -n 'syncfs(' "$trace" | tail -1 | cut -d: -f1)
        [ "$(grep -cE 'rename\(.*/(images|layers)/' "$trace")" = 2 ] || fail "$be: $(cat "$trace")"
        ! head -n "$n" "$trace" | grep -qE 'rename\(.*/(images|layers)/' || fail "$be: named before the sync"
        [ -z "$(ls -A "$store/tmp")" ]
        "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/b-$be"
    done
}

@test "layerimg: imagetool mount mounts a squashfs bundle again with what the container wrote; twice is exit 7" {
    local store="$BATS_TEST_TMPDIR/store" b="$BATS_TEST_TMPDIR/sq"
    sq_unpack "oci:$(demo_image):demo" "$b"
    echo kept >"$b/rootfs/etc/written"
    "$IMAGETOOL" umount "$b"
    [ -z "$(ls -A "$b/rootfs")" ]
    [ "$(loops_on "$store")" -eq 0 ]
    run "$IMAGETOOL" --store "$store" mount "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(cat "$b/rootfs/etc/written")" = kept ]
    [ -x "$b/rootfs/bin/busybox" ]
    [ "$(loops_on "$store")" -gt 0 ]
    run "$IMAGETOOL" --store "$store" mount "$b"
    [ "$status" -eq 7 ]
    [ "$output" = "imagetool: $b/rootfs is mounted already" ]
    [ "$(grep -c " $b/rootfs " /proc/self/mountinfo)" = 1 ]
    "$IMAGETOOL" rm-bundle "$b"
    [ "$(loops_on "$store")" -eq 0 ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "layerimg: two unpacks of the same image at once both work" {
    local ref="oci:$(demo_image):demo" store="$BATS_TEST_TMPDIR/store"
    sq_unpack "$ref" "$BATS_TEST_TMPDIR/a" &
    local pid=$!
    sq_unpack "$ref" "$BATS_TEST_TMPDIR/b"
    wait "$pid"
    diff <(rootfs_listing "$BATS_TEST_TMPDIR/a/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/b/rootfs")
    [ -z "$(ls "$store/tmp")" ]
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/a" "$BATS_TEST_TMPDIR/b"
    [ "$(loops_on "$store")" -eq 0 ]
}

@test "layerimg: a SIGKILL in the middle of a conversion leaves no loop device, no image, and the next unpack works" {
    check_sigkill_conversion squashfs
}

@test "layerimg: a layer whose diff_id does not match leaves no image, no loop device, no bundle" {
    check_diff_id_mismatch squashfs
}

@test "layerimg: hostile names land inside the image; a hard link out of the layer is refused" {
    check_hostile_names squashfs
}

@test "layerimg: the bundle runs" {
    sq_unpack "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/sq" cat /etc/issue
    run runc_run "$BATS_TEST_TMPDIR/sq"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == Welcome* ]]
}

@test "layerimg: a host without loop devices falls back to overlay with one info line, and rm-bundle knows" {
    IMAGETOOL_NO_LOOP=1 run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(grep -c 'info: no loop devices, erofs or squashfs here: using the overlay backend' <<<"$output")" -eq 1 ]
    [[ "$output" == *"(overlay backend)"* ]]
    [ "$(jq -r .backend "$BATS_TEST_TMPDIR/b/.imagetool.json")" = overlay ]
    [ -z "$(ls "$BATS_TEST_TMPDIR/store/images")" ]
    [ "$(loops_on "$BATS_TEST_TMPDIR/store")" -eq 0 ]
    # rm-bundle reads the record, whatever this host supports now
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/b"
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "layerimg: without libsquashfs, --backend squashfs fails in one line and leaves nothing; erofs and copy still work" {
    local ref="oci:$(demo_image):demo"
    run without_library libsquashfs.so.1 "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q --backend squashfs "$ref" "$BATS_TEST_TMPDIR/sq"
    [ "$status" -eq 1 ]
    [ "$output" = "imagetool: --backend squashfs: cannot load libsquashfs.so.1 (package libsquashfs1)" ]
    [ ! -e "$BATS_TEST_TMPDIR/sq" ]
    [ -z "$(ls "$BATS_TEST_TMPDIR/store/images" 2>/dev/null)" ]
    without_library libsquashfs.so.1 "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q "$ref" "$BATS_TEST_TMPDIR/default"
    without_library libsquashfs.so.1 "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q --backend copy "$ref" "$BATS_TEST_TMPDIR/copy"
    # the default bundle's mounts went with the namespace: mount it again here
    "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" mount "$BATS_TEST_TMPDIR/default"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/default/rootfs")
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/default"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}
