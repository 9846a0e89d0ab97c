#!/usr/bin/env bats
# The default seccomp profile is Docker's: what imagetool writes allows
# exactly what ../shared/reference/docker-default-seccomp.json allows, per
# architecture, capability set and kernel-version gate (compared by
# tests/lib/seccomp-compare.py); and a container made by imagetool unpack can
# use TCP and Unix sockets but not keyctl or unshare.

load ../lib/helpers
load unpack_helpers

DOCKER_PROFILE="$SHARED_DIR/reference/docker-default-seccomp.json"
COMPARE="$PROJECT_ROOT/tests/lib/seccomp-compare.py"

require_docker_profile() {
    [ -f "$DOCKER_PROFILE" ] || skip "../shared/reference/docker-default-seccomp.json is absent (not a project checkout with shared/)"
}

# The unit test binary that prints resolved profiles (built when missing).
dump_program() {
    local rel="${BUILD_DIR#"$PROJECT_ROOT"/}/tests/imagetool_seccomp_default"
    [ -x "$PROJECT_ROOT/$rel" ] ||
        make -s -C "$PROJECT_ROOT" ${SANITIZE:+SANITIZE=$SANITIZE} "$rel" >&2 || return 1
    echo "$PROJECT_ROOT/$rel"
}

host_kernel() {
    uname -r | grep -oE '^[0-9]+\.[0-9]+'
}

host_goarch() {
    case "$(uname -m)" in
    x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) uname -m ;;
    esac
}

@test "seccomp default: equal to Docker's for every architecture, capability set and kernel gate" {
    require_docker_profile
    local dump
    dump=$(dump_program)
    run python3 "$COMPARE" "$DOCKER_PROFILE" matrix "$dump"
    echo "$output" | tail -20
    [ "$status" -eq 0 ]
    [[ "${lines[-1]}" == "# 1320 profiles compared, 0 differences" ]]
}

@test "seccomp default: the config.json of unpack is that profile (default, --cap-add, --cap-drop)" {
    require_docker_profile
    local b flags i=0
    for flags in "" "--cap-add SYS_ADMIN" "--cap-add SYS_PTRACE --cap-add DAC_READ_SEARCH" "--cap-add ALL" \
        "--cap-drop SYS_CHROOT" "--cap-drop ALL"; do
        b="$BATS_TEST_TMPDIR/b$((i++))"
        # shellcheck disable=SC2086
        it_unpack $flags "oci:$(demo_image):demo" "$b"
        run python3 "$COMPARE" "$DOCKER_PROFILE" config "$(host_goarch)" "$(host_kernel)" "$b/config.json"
        [ "$status" -eq 0 ] || fail "flags '$flags': $output"
    done
}

@test "seccomp default: --privileged writes no filter, as Docker runs privileged containers unconfined" {
    it_unpack --privileged "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/b"
    [ "$(cfg "$BATS_TEST_TMPDIR/b" '.linux.seccomp')" = null ]
}

@test "seccomp default: in a container, TCP and Unix sockets work; keyctl, unshare, AF_ALG and AF_VSOCK do not" {
    local probe="$BATS_TEST_TMPDIR/probe" b="$BATS_TEST_TMPDIR/b"
    cc -static -O2 -o "$probe" "$PROJECT_ROOT/tests/lib/seccomp-probe.c"
    # --net host: a new network namespace has its loopback down (the runtime,
    # like runc, does not bring it up), which is not the profile's doing
    it_unpack --net host "oci:$(demo_image):demo" "$b" /probe
    cp "$probe" "$b/rootfs/probe"
    run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" run -b "$b" "$(unique_id)"
    echo "$output"
    [ "$status" -eq 0 ]
    [[ "$output" == *"tcp=ok"* ]]
    [[ "$output" == *"unix=ok"* ]]
    [[ "$output" == *"socketpair=ok"* ]]
    [[ "$output" == *"keyctl=EPERM"* ]]
    [[ "$output" == *"unshare=EPERM"* ]]
    [[ "$output" == *"af_alg=EPERM"* ]]
    [[ "$output" == *"af_vsock=EPERM"* ]]
}
