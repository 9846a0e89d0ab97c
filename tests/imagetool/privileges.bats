#!/usr/bin/env bats
# --cap-add, --cap-drop, --seccomp and --privileged: the config.json they
# write, and what a process sees when our runtime and runc run the bundle.

load ../lib/helpers
load unpack_helpers

setup_file() {
    export PROBE="$BATS_FILE_TMPDIR/probe"
    cc -static -O2 -o "$PROBE" "$PROJECT_ROOT/tests/lib/seccomp-probe.c"
}

# bundle_with ARGS...: unpack the demo image with ARGS into $B, add the probe.
bundle_with() {
    B="$BATS_TEST_TMPDIR/bundle-$RANDOM$RANDOM"
    it_unpack "$@" "oci:$(demo_image):demo" "$B" /probe
    cp "$PROBE" "$B/rootfs/probe"
}

probe_with() {
    local rt=$1
    (cd "$B" && "$rt" --root "$BATS_TEST_TMPDIR/state-$(basename "$rt")" run "p$$-$RANDOM")
}

caps() {
    cfg "$B" '.process.capabilities.bounding'
}

@test "privileges: the default profile refuses keyctl, namespaces and odd personalities, under both runtimes" {
    bundle_with
    for rt in "$RUNTIME" runc; do
        run probe_with "$rt"
        echo "$rt: $output"
        [ "$status" = 0 ]
        [[ "$output" == *"keyctl=EPERM"* ]]
        [[ "$output" == *"unshare=EPERM"* ]]
        [[ "$output" == *"personality=EPERM"* ]]
    done
    [ "$(cfg "$B" '.linux.seccomp.defaultErrnoRet')" = 1 ]
}

@test "privileges: --cap-add SYS_ADMIN opens unshare in the profile and the capability set" {
    bundle_with --cap-add sys_admin
    [[ "$(caps)" == *'"CAP_SYS_ADMIN"'* ]]
    run probe_with "$RUNTIME"
    echo "$output"
    [[ "$output" == *"unshare=ok"* ]]
    [[ "$output" == *"keyctl=EPERM"* ]]
}

@test "privileges: --cap-drop removes, ALL empties, names are checked" {
    bundle_with --cap-drop CAP_NET_RAW --cap-drop chown
    [[ "$(caps)" != *NET_RAW* && "$(caps)" != *'"CAP_CHOWN"'* && "$(caps)" == *CAP_KILL* ]]
    bundle_with --cap-drop ALL --cap-add KILL
    [ "$(caps)" = '["CAP_KILL"]' ]
    run it_unpack --cap-add CAP_BOGUS "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/b2"
    [ "$status" = 2 ]
    [[ "$output" == *'--cap-add: unknown capability "CAP_BOGUS"'* ]]
    [ ! -e "$BATS_TEST_TMPDIR/b2" ]
}

@test "privileges: --seccomp unconfined writes no filter; keyctl is then the kernel's to answer" {
    bundle_with --seccomp unconfined
    [ "$(cfg "$B" '.linux.seccomp')" = null ]
    run probe_with "$RUNTIME"
    echo "$output"
    [[ "$output" != *"keyctl=EPERM"* ]]
    [[ "$output" == *"personality=ok"* ]]
}

@test "privileges: --seccomp FILE uses that profile; a malformed one is refused" {
    printf '{"defaultAction":"SCMP_ACT_ALLOW","syscalls":[{"names":["keyctl"],"action":"SCMP_ACT_ERRNO","errnoRet":38}]}' \
        >"$BATS_TEST_TMPDIR/p.json"
    bundle_with --seccomp "$BATS_TEST_TMPDIR/p.json"
    run probe_with "$RUNTIME"
    echo "$output"
    [[ "$output" == *"keyctl=ENOSYS"* ]]
    [[ "$output" == *"personality=ok"* ]]
    echo '{"defaultAction": 3}' >"$BATS_TEST_TMPDIR/bad.json"
    run it_unpack --seccomp "$BATS_TEST_TMPDIR/bad.json" "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/b3"
    [ "$status" = 3 ]
    [[ "$output" == *"bad.json: linux.seccomp.defaultAction: expected string"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/b3" ]
}

@test "privileges: --privileged gives every capability the host can grant, no filter, no masked paths, writable /sys" {
    bundle_with --privileged
    [ "$(cfg "$B" '.process.capabilities.bounding | length')" -ge 30 ]
    [[ "$(caps)" == *'"CAP_SYS_ADMIN"'* ]]
    [ "$(cfg "$B" '.linux.seccomp')" = null ]
    [ "$(cfg "$B" '.linux.maskedPaths')" = null ]
    [ "$(cfg "$B" '[.mounts[] | select(.destination == "/sys") | .options[] | select(. == "ro")] | length')" = 0 ]
    [ "$(cfg "$B" '.linux.resources.devices')" = '[{"allow":true,"access":"rwm"}]' ]
    run probe_with "$RUNTIME"
    echo "$output"
    [[ "$output" == *"unshare=ok"* ]]
}
