#!/usr/bin/env bats
# End to end: an image -> imagetool unpack -> runtime run. The container
# shows the image's /etc/os-release, user, cwd and environment.

load ../lib/helpers
load ../imagetool/unpack_helpers

setup() {
    STATE="$BATS_TEST_TMPDIR/state"
}

report='cat /etc/os-release; echo "id=$(id)"; echo "cwd=$(pwd)"; env | sort'

@test "e2e: the demo image runs under runtime with the image's os-release, user, cwd and env" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack "oci:$(demo_image):demo" "$b" sh -c "$report"
    run "$RUNTIME" --root "$STATE" run -b "$b" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *'PRETTY_NAME="Imagetool Demo 1 (busybox)"'* ]]
    [[ "$output" == *"id=uid=0(root) gid=0(root)"* ]]
    [[ "$output" == *"cwd=/"$'\n'* ]]
    [[ "$output" == *"DEMO_IMAGE=imagetool-demo"* ]]
    [[ "$output" == *"HOME=/root"* ]]
    [[ "$output" == *"PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"* ]]
}

@test "e2e: --user, WorkingDir and --env reach the process (overlay backend)" {
    local ref b="$BATS_TEST_TMPDIR/b"
    ref=$(demo_with '.config.WorkingDir = "/home/demo" | .config.User = "demo"')
    it_unpack --backend overlay -e GREETING=hi "$ref" "$b" sh -c "$report"
    run "$RUNTIME" --root "$STATE" run -b "$b" "$(unique_id)"
    "$IMAGETOOL" rm-bundle "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"id=uid=1000(demo) gid=1000(demo) groups=10(wheel),50(staff)"* ]] ||
        [[ "$output" == *"id=uid=1000(demo) gid=1000(demo) groups=1000(demo),10(wheel),50(staff)"* ]]
    [[ "$output" == *"cwd=/home/demo"* ]]
    [[ "$output" == *"GREETING=hi"* ]]
    [[ "$output" == *"HOME=/home/demo"* ]]
}

@test "e2e: the demo's report: /etc/issue, ps as PID 1, env, the 200 MiB memory limit" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack --cpus 1 --memory 200m "oci:$(demo_image):demo" "$b"
    run "$RUNTIME" --root "$STATE" run -b "$b" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"Welcome to the imagetool demo image"* ]]
    echo "$output" | grep -Eq '^ +1 root +.*/bin/demo'
    [[ "$output" == *"DEMO_IMAGE=imagetool-demo"* ]]
    echo "$output" | grep -qx 209715200
}

@test "e2e: a real image (alpine 3.10) runs under runtime" {
    require_shared_images
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack "docker-archive:$SHARED_IMAGES/trivy-alpine-3.10-docker-save/alpine-310.tar.gz" "$b" \
        sh -c 'cat /etc/os-release; id'
    run "$RUNTIME" --root "$STATE" run -b "$b" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *'VERSION_ID=3.10'* ]]
    [[ "$output" == *"uid=0(root) gid=0(root)"* ]]
}

@test "e2e: make demo's script runs and cleans up after itself" {
    run env RUNTIME="$RUNTIME" IMAGETOOL="$IMAGETOOL" TMPDIR="$BATS_TEST_TMPDIR" "$PROJECT_ROOT/demo.sh"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"Welcome to the imagetool demo image"* ]]
    echo "$output" | grep -qx 209715200
    [ -z "$(ls -A "$BATS_TEST_TMPDIR" | grep -v '^state$')" ] || fail "left: $(ls -A "$BATS_TEST_TMPDIR")"
    no_mounts_under "$BATS_TEST_TMPDIR/"
}
