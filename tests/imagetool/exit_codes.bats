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
