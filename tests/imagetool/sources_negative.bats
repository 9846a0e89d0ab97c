#!/usr/bin/env bats
# Broken inputs: one clear line, exit code 3 (invalid input), and nothing
# left in the store (no blob, no temp file, no name).

load ../lib/helpers

setup() {
    require_shared_images
    S="$BATS_TEST_TMPDIR/store"
    N="$SHARED_IMAGES/negative-fixtures"
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

# refused SOURCE PATTERN
refused() {
    run it pull "$1"
    echo "$output"
    [ "$status" -eq 3 ] || fail "exit $status, expected 3"
    [ "${#lines[@]}" -eq 1 ] || fail "expected one line"
    [[ "$output" == *$2* ]] || fail "message lacks '$2'"
    [ -z "$(ls -A "$S/blobs/sha256")" ] || fail "blobs left: $(ls "$S/blobs/sha256")"
    [ -z "$(ls -A "$S/tmp")" ] || fail "temp files left"
    [ "$(jq '.manifests | length' "$S/index.json")" = 0 ]
}

@test "manifest.json that is null" {
    refused "docker-archive:$N/gcr-null_manifest.tar" "manifest.json: expected an array of images, got null"
}

@test "legacy save without manifest.json" {
    refused "docker-archive:$N/gcr-no_manifest-legacy.tar" "no manifest.json"
}

@test "legacy save whose parent chain loops does not hang" {
    run timeout 20 "$IMAGETOOL" --store "$S" pull "docker-archive:$N/docker2aci-depsloop.docker"
    [ "$status" -eq 3 ]
}

@test "path traversal in a layer directory name is refused before anything is written" {
    mkdir -p "$BATS_TEST_TMPDIR/a/b/c"
    cd "$BATS_TEST_TMPDIR/a/b/c"
    refused "docker-archive:$N/docker2aci-invalidlayerid.docker" "leaves the archive"
    [ ! -e "$BATS_TEST_TMPDIR/etc" ]
    [ -z "$(find "$BATS_TEST_TMPDIR" -name '0356b1e5*')" ]
}

@test "a file that is not an archive" {
    echo "not a tar" >"$BATS_TEST_TMPDIR/junk.tar"
    refused "docker-archive:$BATS_TEST_TMPDIR/junk.tar" "junk.tar"
}

# corrupt_blob HEX: a copy of the hello-world layout with one byte of blob HEX changed
corrupt_blob() {
    cp -r "$SHARED_IMAGES/trivy-hello-world-oci/test.oci" "$BATS_TEST_TMPDIR/bad.oci"
    chmod -R u+w "$BATS_TEST_TMPDIR/bad.oci"
    printf 'X' | dd of="$BATS_TEST_TMPDIR/bad.oci/blobs/sha256/$1" bs=1 seek=100 conv=notrunc 2>/dev/null
}

@test "an oci layout whose config or layer does not match its digest" {
    config=b23a8f6569ae9ae331226205fa72f480ce5310707d0bc97e611f83fbbbde4604
    layer=cdd16bd695eda2819e7637648f573c2ca64896c4f7bff9732ac9db734ca3bc2c
    for blob in $config $layer; do
        rm -rf "$BATS_TEST_TMPDIR/bad.oci" "$S"
        corrupt_blob $blob
        run it pull "oci:$BATS_TEST_TMPDIR/bad.oci"
        echo "$output"
        [ "$status" -eq 3 ]
        [ "${#lines[@]}" -eq 1 ]
        [[ "$output" == *"sha256:$blob"*"digest mismatch"* ]]
        [ ! -e "$S/blobs/sha256/$blob" ]
        [ -z "$(ls -A "$S/tmp")" ]
        [ "$(jq '.manifests | length' "$S/index.json")" = 0 ]
    done
}

@test "an ACI is a transport (aci:, tests/imagetool/aci.bats): pull names it by its path" {
    run it pull "aci:$SHARED_IMAGES/alpngxrkt-alpine-3.3-aci/alpine.aci"
    [ "$status" -eq 0 ]
    [[ "$output" == *"aci:$(realpath "$SHARED_IMAGES")/alpngxrkt-alpine-3.3-aci/alpine.aci"* ]]
}
