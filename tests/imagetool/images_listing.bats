#!/usr/bin/env bats
# What a user of docker images / skopeo expects from images and the commands
# that only read the store: -q, sorted names, a platform column, no store
# made by a typo. Uses the demo image only (no ../shared).

load ../lib/helpers
load unpack_helpers

setup() {
    S="$BATS_TEST_TMPDIR/store"
    IMG=$(demo_image)
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

@test "images: sorted by name, with a PLATFORM column" {
    it pull -q --name zeta "oci:$IMG:demo" >/dev/null
    it pull -q --name alpha "oci:$IMG:demo" >/dev/null
    it pull -q --name mid "oci:$IMG:demo" >/dev/null
    run it images
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == NAME*DIGEST*PLATFORM*SIZE*CREATED ]]
    names=$(printf '%s\n' "${lines[@]:1}" | awk '{print $1}')
    [ "$names" = "$(printf '%s\n' docker.io/library/alpha:latest docker.io/library/mid:latest \
        docker.io/library/zeta:latest)" ]
    [ "$(printf '%s\n' "${lines[@]:1}" | awk '{print $3}' | sort -u)" = "linux/$(dpkg --print-architecture)" ]
    run it images --format json
    [ "$(jq -r '.[0].platform' <<<"$output")" = "linux/$(dpkg --print-architecture)" ]
}

@test "images -q: each manifest digest once" {
    d=$(it pull -q "oci:$IMG:demo")
    it pull -q --name other "oci:$IMG:demo" >/dev/null
    run it images -q
    [ "$status" -eq 0 ]
    [ "$output" = "$d" ]
    run it images --quiet
    [ "$output" = "$d" ]
}

@test "read-only commands never create a store: images, inspect, rm and gc on a missing one exit 4" {
    for cmd in images "inspect x" "rm x" gc; do
        run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/typo" $cmd
        [ "$status" -eq 4 ] || fail "$cmd: $status $output"
        [ "$output" = "imagetool: store $BATS_TEST_TMPDIR/typo does not exist" ]
        [ ! -e "$BATS_TEST_TMPDIR/typo" ]
    done
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/typo" images --help
    [ "$status" -eq 0 ]
}

@test "unpack -m below 6 MiB is refused with Docker's message; 6m is accepted" {
    run it unpack -q -m 1 "oci:$IMG:demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 2 ]
    [ "${lines[0]}" = "imagetool: --memory 1: Minimum memory limit allowed is 6MB" ]
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
    run it unpack -q -m 5m "oci:$IMG:demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 2 ]
    it unpack -q -m 6m "oci:$IMG:demo" "$BATS_TEST_TMPDIR/b"
    [ "$(jq .linux.resources.memory.limit "$BATS_TEST_TMPDIR/b/config.json")" = 6291456 ]
}

@test "unpack: a windows platform is refused; an image of another architecture is a warning naming both" {
    run it unpack -q --platform windows/amd64 "oci:$IMG:demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"--platform windows/amd64: only linux images can be unpacked"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
    # the demo image, its config naming another architecture
    other=arm64; [ "$(dpkg --print-architecture)" = arm64 ] && other=amd64
    DEMO_ARCH=$other "$PROJECT_ROOT/tests/lib/make-demo-image.sh" "$BATS_TEST_TMPDIR/arm" demo >/dev/null
    run it unpack "oci:$BATS_TEST_TMPDIR/arm:demo" "$BATS_TEST_TMPDIR/b2"
    [ "$status" -eq 0 ]
    [[ "$output" == *"warning: the image's platform linux/$other does not match this host's linux/$(dpkg --print-architecture): it may not run"* ]]
}

@test "inspect reads oci: and oci-archive: sources directly, without a store, and cleans its scratch space" {
    export TMPDIR="$BATS_TEST_TMPDIR/tmp"
    mkdir "$TMPDIR"
    run it inspect "oci:$IMG:demo"
    [ "$status" -eq 0 ]
    [ "$(jq -r .name <<<"$output")" = "oci:$IMG:demo" ]
    [ "$(jq -r '.manifest.layers | length' <<<"$output")" = 2 ]
    [ "$(jq -r .config.os <<<"$output")" = linux ]
    [ ! -e "$S" ]
    tar cf "$BATS_TEST_TMPDIR/a.tar" -C "$IMG" .
    run it inspect "oci-archive:$BATS_TEST_TMPDIR/a.tar:demo"
    [ "$status" -eq 0 ]
    [ "$(jq -r .digest <<<"$output")" = "$(it inspect "oci:$IMG:demo" | jq -r .digest)" ]
    [ -z "$(ls -A "$TMPDIR")" ]
    run it inspect "oci:$BATS_TEST_TMPDIR/missing"
    [ "$status" -eq 4 ]
    [ -z "$(ls -A "$TMPDIR")" ]
}
