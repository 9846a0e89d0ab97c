#!/usr/bin/env bats
# The store and bundles are private (specs/security.md): a local user who is
# not the owner can reach neither a setuid-root binary of an image nor its
# layer blobs. A test user is added for the test and removed after it.

load ../lib/helpers
load unpack_helpers
load security_helpers

setup() {
    command -v useradd >/dev/null || skip "useradd is missing"
    TEST_USER="itperm$$"
    useradd --no-create-home --shell /bin/sh "$TEST_USER"
    # a directory every user can traverse, so only our modes protect the content
    PUB=$(mktemp -d /tmp/imagetool-perm.XXXXXX)
    chmod 0755 "$PUB"
}

teardown() {
    local m
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^${PUB:-/nonexistent}/" | sort -r); do
        umount "$m" 2>/dev/null || true
    done
    [ -n "${PUB:-}" ] && rm -rf "$PUB"
    [ -n "${TEST_USER:-}" ] && userdel "$TEST_USER" 2>/dev/null
    true
}

# as_user CMD...: run CMD as the test user.
as_user() {
    setpriv --reuid="$TEST_USER" --regid="$TEST_USER" --clear-groups --reset-env "$@"
}

# suid_image: the demo image with a setuid-root file /bin/suid on top.
suid_image() {
    local layer="$BATS_TEST_TMPDIR/layer"
    mkdir -p "$layer/bin"
    printf 'secret setuid content\n' >"$layer/bin/suid"
    chmod 4755 "$layer/bin/suid"
    tar -C "$layer" --owner=0 --group=0 -cf "$BATS_TEST_TMPDIR/l.tar" bin
    demo_plus_layer "$BATS_TEST_TMPDIR/l.tar"
}

@test "permissions: another user cannot read a setuid binary from the store or a bundle (copy, overlay, squashfs, erofs)" {
    local ref store="$PUB/store" backend
    ref=$(suid_image)
    for backend in copy overlay squashfs erofs; do
        "$IMAGETOOL" --store "$store" unpack -q --backend "$backend" "$ref" "$PUB/b-$backend"
        [ "$(stat -c %a "$PUB/b-$backend")" = 700 ] || fail "bundle mode $(stat -c %a "$PUB/b-$backend")"
        [ -u "$PUB/b-$backend/rootfs/bin/suid" ] || fail "$backend: no setuid file in the rootfs"
        run as_user cat "$PUB/b-$backend/rootfs/bin/suid"
        [ "$status" -ne 0 ] && [[ "$output" == *"Permission denied"* ]] || fail "$backend bundle: $status $output"
        run as_user cat "$PUB/b-$backend/config.json"
        [ "$status" -ne 0 ] || fail "$backend: config.json readable"
    done
    local d
    for d in "$store" "$store/blobs" "$store/blobs/sha256" "$store/layers" "$store/images" "$store/tmp"; do
        [ "$(stat -c %a "$d")" = 700 ] || fail "$d: mode $(stat -c %a "$d")"
    done
    # the overlay backend extracted the layer into the layer cache
    local cached
    cached=$(ls -d "$store"/layers/*/bin/suid | head -1)
    [ -u "$cached" ] || fail "no setuid file in the layer cache"
    run as_user cat "$cached"
    [ "$status" -ne 0 ] || fail "layer cache readable: $output"
    run as_user sh -c "cat '$store'/blobs/sha256/* >/dev/null"
    [ "$status" -ne 0 ] || fail "blobs readable"
    run as_user ls "$store"
    [ "$status" -ne 0 ] || fail "store listable: $output"
    "$IMAGETOOL" rm-bundle "$PUB/b-overlay" "$PUB/b-squashfs" "$PUB/b-erofs"
}

@test "permissions: an existing store made with 0755 directories is tightened when opened" {
    local store="$PUB/store" d
    "$IMAGETOOL" --store "$store" pull -q "oci:$(demo_image):demo" >/dev/null 2>&1 ||
        "$IMAGETOOL" --store "$store" pull "oci:$(demo_image):demo" >/dev/null
    chmod 0755 "$store" "$store/blobs" "$store/blobs/sha256" "$store/layers" "$store/tmp"
    run as_user ls "$store/blobs/sha256"
    [ "$status" -eq 0 ] || fail "the control failed: the test user cannot list a 0755 store: $output"
    "$IMAGETOOL" --store "$store" images >/dev/null
    for d in "$store" "$store/blobs" "$store/blobs/sha256" "$store/layers" "$store/images" "$store/tmp"; do
        [ "$(stat -c %a "$d")" = 700 ] || fail "$d: mode $(stat -c %a "$d")"
    done
    run as_user ls "$store/blobs/sha256"
    [ "$status" -ne 0 ]
}
