#!/usr/bin/env bats
# Exit codes of the README's table where a source is the wrong kind of file
# or unreadable (demo image only, no ../shared).

load ../lib/helpers
load unpack_helpers

setup() {
    S="$BATS_TEST_TMPDIR/store"
    IMG=$(demo_image)
}

teardown() {
    [ -z "${PUBLIC:-}" ] || rm -rf "$PUBLIC"
    unmount_test_bundles # the default backend's bundles are mounts
}

@test "oci: naming a tar file is invalid input (3) and points at oci-archive:" {
    tar cf "$BATS_TEST_TMPDIR/x.tar" -C "$IMG" .
    run "$IMAGETOOL" --store "$S" unpack -q "oci:$BATS_TEST_TMPDIR/x.tar" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 3 ]
    [ "$output" = "imagetool: oci:$BATS_TEST_TMPDIR/x.tar: not a directory (an OCI image layout); use oci-archive: for a tar" ]
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
    run "$IMAGETOOL" --store "$S" unpack -q "oci-archive:$BATS_TEST_TMPDIR/x.tar:demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ]
}

@test "oci: a directory without index.json is 3; an unreadable index.json is 5, permission denied" {
    mkdir "$BATS_TEST_TMPDIR/empty"
    run "$IMAGETOOL" --store "$S" pull -q "oci:$BATS_TEST_TMPDIR/empty"
    [ "$status" -eq 3 ]
    [[ "$output" == *"not an OCI image layout: no index.json"* ]]
    # bats' temp dirs are 0700: nobody needs a world-traversable one
    PUBLIC=$(mktemp -d /tmp/imagetool-exit-codes.XXXXXX)
    chmod 0755 "$PUBLIC"
    local img="$PUBLIC/locked"
    cp -r "$IMG" "$img"
    chmod -R a+rX "$img"
    chmod 0 "$img/index.json"
    install -d -o 65534 -g 65534 "$PUBLIC/store"
    run setpriv --reuid 65534 --regid 65534 --clear-groups --bounding-set=-all \
        "$IMAGETOOL" --store "$PUBLIC/store" pull -q "oci:$img:demo"
    [ "$status" -eq 5 ]
    [ "$output" = "imagetool: oci:$img: index.json: Permission denied" ]
}

# store_left_clean: no temp file and no name in the test's store
store_left_clean() {
    [ -z "$(ls -A "$S/tmp" 2>/dev/null)" ] || fail "temp files left: $(ls "$S/tmp")"
    [ ! -f "$S/index.json" ] || [ "$(jq '.manifests | length' "$S/index.json")" = 0 ] || fail "a name was left"
}

@test "oci: and dir: sources whose blob, index.json or manifest.json is a FIFO or a device are 3, at once, naming the file" {
    local lay="$BATS_TEST_TMPDIR/lay" layer kind
    cp -r "$IMG" "$lay"
    layer=$(jq -r '.layers[-1].digest[7:]' "$lay/blobs/sha256/$(jq -r '.manifests[0].digest[7:]' "$lay/index.json")")
    for kind in fifo device devlink; do
        rm -f "$lay/blobs/sha256/$layer"
        case $kind in
        fifo) mkfifo "$lay/blobs/sha256/$layer" ;;
        device) mknod "$lay/blobs/sha256/$layer" c 1 5 ;;
        devlink) ln -s /dev/zero "$lay/blobs/sha256/$layer" ;; # resolved inside the layout: not there
        esac
        run timeout 20 "$IMAGETOOL" --store "$S" unpack -q "oci:$lay:demo" "$BATS_TEST_TMPDIR/b"
        case $kind in
        fifo) [ "$status" -eq 3 ] && [[ $output == *"blobs/sha256/$layer is a FIFO, not a regular file" ]] || fail "$kind: $status $output" ;;
        device) [ "$status" -eq 3 ] && [[ $output == *"blobs/sha256/$layer is a character device, not a regular file" ]] || fail "$kind: $status $output" ;;
        devlink) [ "$status" -eq 4 ] && [[ $output == *"blobs/sha256/$layer: No such file or directory" ]] || fail "$kind: $status $output" ;;
        esac
        [ "${#lines[@]}" -eq 1 ] || fail "$kind: more than one line: $output"
        [ ! -e "$BATS_TEST_TMPDIR/b" ] || fail "$kind: a bundle was left"
        store_left_clean
    done
    # the neighbours: index.json of a layout, manifest.json of a dir: source
    rm "$lay/index.json" && mkfifo "$lay/index.json"
    run timeout 20 "$IMAGETOOL" --store "$S" pull -q "oci:$lay:demo"
    [ "$status" -eq 3 ] && [[ $output == *"oci:$lay: index.json is a FIFO, not a regular file" ]] || fail "index.json: $status $output"
    mkdir "$BATS_TEST_TMPDIR/dir" && mkfifo "$BATS_TEST_TMPDIR/dir/manifest.json"
    run timeout 20 "$IMAGETOOL" --store "$S" pull -q "dir:$BATS_TEST_TMPDIR/dir"
    [ "$status" -eq 3 ] && [[ $output == *"manifest.json is a FIFO, not a regular file" ]] || fail "manifest.json: $status $output"
    store_left_clean
}

@test "unpack of a digest the store does not hold is 4, naming it (not an unknown transport 'sha256'); a stored one unpacks" {
    local missing="sha256:$(printf '%064d' 0)" digest
    run "$IMAGETOOL" --store "$S" unpack -q "$missing" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 4 ] || fail "$output"
    [ "$output" = "imagetool: no image '$missing' in the store" ]
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
    # its neighbour, a name with no transport, is still the transport's error
    run "$IMAGETOOL" --store "$S" unpack -q "nosuch:latest" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 3 ] && [ "$output" = "imagetool: 'nosuch:latest': unknown transport 'nosuch'" ] || fail "$output"
    digest=$("$IMAGETOOL" --store "$S" pull -q "oci:$IMG:demo")
    run "$IMAGETOOL" --store "$S" unpack -q --backend copy "$digest" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ] && [ -x "$BATS_TEST_TMPDIR/b/rootfs/bin/busybox" ] || fail "$output"
}
