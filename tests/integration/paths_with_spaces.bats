#!/usr/bin/env bats
# Store, bundle and mount paths with spaces: /proc/self/mountinfo writes
# them as "\040", and every reader (common/mountinfo.c) must decode that to
# find the mounts (gc's overlay check, the runtime's rootfs parent mount).

load ../lib/helpers
load ../imagetool/unpack_helpers

setup() {
    T="$BATS_TEST_TMPDIR/with space"
    mkdir -p "$T"
}

teardown() {
    # findmnt -l prints mount points decoded, one per line
    local m
    findmnt -ln -o TARGET | grep -F "$BATS_TEST_TMPDIR/" | sort -r | while IFS= read -r m; do
        umount "$m" 2>/dev/null || true
    done
}

# mounted DIR: DIR is a mount point.
mounted() {
    findmnt -n --mountpoint "$1" >/dev/null
}

@test "overlay store and bundle paths with spaces: gc keeps the layers a mount uses, umount and rm-bundle find it" {
    local S="$T/my store" b="$T/my bundle"
    ref="oci:$(demo_image):demo"
    "$IMAGETOOL" --store "$S" unpack -q --backend overlay "$ref" "$b"
    mounted "$b/rootfs"
    layers=$(ls "$S/layers" | sort)
    [ -n "$layers" ]
    "$IMAGETOOL" --store "$S" rm "$ref" >/dev/null
    run "$IMAGETOOL" --store "$S" gc
    [ "$status" -eq 0 ]
    [[ "$output" == *"gc: keeping $S/layers/"*": an overlay mount uses it"* ]]
    [ "$(ls "$S/layers" | sort)" = "$layers" ]
    [ -n "$(cat "$b/rootfs/etc/issue")" ]   # the mounted rootfs still reads
    "$IMAGETOOL" umount "$b"
    run ! mounted "$b/rootfs"
    [ -f "$b/config.json" ]
    # unmounted: nothing uses the layers any more
    run "$IMAGETOOL" --store "$S" gc
    [ "$status" -eq 0 ]
    [ -z "$(ls -A "$S/layers")" ]
    "$IMAGETOOL" --store "$S" unpack -q --backend overlay "$ref" "$b.2"
    mounted "$b.2/rootfs"
    "$IMAGETOOL" rm-bundle "$b.2"
    [ ! -e "$b.2" ]
    [ -z "$(findmnt -ln -o TARGET | grep -F "$T/")" ]
}

@test "runtime: rootfsPropagation shared with the bundle below a shared mount at a path with a space" {
    local d="$T/shared mnt"
    mkdir -p "$d"
    mount -t tmpfs tmpfs "$d"
    mount --make-shared "$d"
    make_bundle "$d/bundle" echo inside
    config_edit "$d/bundle" '.linux.rootfsPropagation = "shared"'
    run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" run -b "$d/bundle" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "status $status: $output"
    [ "$output" = inside ]
    # nothing the container mounted propagated back to the host's peer
    [ "$(findmnt -ln -o TARGET | grep -cF "$d")" = 1 ]
}

@test "runtime: a bundle path with a space runs" {
    make_bundle "$T/a bundle" echo inside
    run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" run -b "$T/a bundle" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "status $status: $output"
    [ "$output" = inside ]
}
