#!/usr/bin/env bats
# images (table and JSON), inspect and the pull command line.

load ../lib/helpers

setup() {
    require_shared_images
    S="$BATS_TEST_TMPDIR/store"
    R="$SHARED_IMAGES"
    ALPINE="docker-archive:$R/trivy-alpine-3.10-docker-save/alpine-310.tar.gz"
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

@test "images: a table with NAME DIGEST PLATFORM SIZE CREATED" {
    d=$(it pull -q "$ALPINE")
    run it images
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == NAME*DIGEST*PLATFORM*SIZE*CREATED ]]
    read -r name digest platform size created time <<<"${lines[1]}"
    [ "$name" = docker.io/library/alpine:3.10 ]
    [ "$digest" = "${d:7:12}" ]
    [ "$platform" = linux/amd64 ]
    [ "$size" = 5.8MB ]
    [ "$created $time" = "2020-01-23 16:53" ]
}

@test "images --format json: name, digest, size (manifest + config + layers), created" {
    d=$(it pull -q "$ALPINE")
    run it images --format json
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | jq -r '.[0].name')" = docker.io/library/alpine:3.10 ]
    [ "$(echo "$output" | jq -r '.[0].digest')" = "$d" ]
    want=$(( $(it inspect alpine:3.10 | jq '[.manifest.config.size, .manifest.layers[].size] | add') + \
             $(stat -c %s "$S/blobs/sha256/${d#sha256:}") ))
    [ "$(echo "$output" | jq '.[0].size')" = "$want" ]
    [ "$(echo "$output" | jq -r '.[0].created')" = 2020-01-23T16:53:06.686519038Z ]
    run it images --format yaml
    [ "$status" -eq 2 ]
}

@test "inspect: manifest and config as one JSON document; by name, digest or prefix" {
    d=$(it pull -q "$ALPINE")
    run it inspect alpine:3.10
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | jq -r .digest)" = "$d" ]
    [ "$(echo "$output" | jq -r .manifest.mediaType)" = application/vnd.oci.image.manifest.v1+json ]
    [ "$(echo "$output" | jq -r .config.os)" = linux ]
    # the manifest shown is the stored blob
    [ "$(echo "$output" | jq -c .manifest)" = "$(jq -c . "$S/blobs/sha256/${d#sha256:}")" ]
    [ "$(it inspect "$d" | jq -r .name)" = docker.io/library/alpine:3.10 ]
    [ "$(it inspect "${d:7:8}" | jq -r .name)" = docker.io/library/alpine:3.10 ]
    run it inspect nosuch:image
    [ "$status" -eq 4 ]
    [ "${#lines[@]}" -eq 1 ]
}

@test "pull: usage errors exit 2, bad references 3, missing files 4" {
    run it pull
    [ "$status" -eq 2 ]
    run it pull a b
    [ "$status" -eq 2 ]
    run it pull "no-transport-here"
    [ "$status" -eq 3 ]
    [[ "$output" == *"expected TRANSPORT:NAME"* ]]
    run it pull "ftp:foo"
    [ "$status" -eq 3 ]
    [[ "$output" == *"unknown transport 'ftp'"* ]]
    run it pull "docker-archive:$BATS_TEST_TMPDIR/missing.tar"
    [ "$status" -eq 4 ]
    [[ "$output" == *"missing.tar"* ]]
    run it pull "oci:$BATS_TEST_TMPDIR/missing-dir"
    [ "$status" -eq 4 ]
}

@test "pull --quiet prints the digest only; the default line names the image" {
    run it pull --quiet "$ALPINE"
    [ "$status" -eq 0 ]
    [[ "$output" =~ ^sha256:[0-9a-f]{64}$ ]]
    run it pull "$ALPINE"
    [ "$output" = "imported docker.io/library/alpine:3.10 ${lines[0]##* }" ]
}
