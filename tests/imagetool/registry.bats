#!/usr/bin/env bats
# Pulls from a real registry (Debian's docker-registry on 127.0.0.1, plain
# HTTP): what lands in the store, digests, progress, concurrency, manifest
# lists, schema1 and manifest digest checks.

load ../lib/helpers
load ../lib/registry/registry
bats_require_minimum_version 1.5.0

setup_file() {
    export REG_PIDS_FILE="$BATS_FILE_TMPDIR/pids"
    local src="$BATS_FILE_TMPDIR/src"
    mkdir -p "$src/l1/bin" "$src/l2/etc"
    cp "$BUSYBOX" "$src/l1/bin/busybox"
    echo "hello from layer two" >"$src/l2/etc/hello"
    export IMG_DIGEST
    IMG_DIGEST=$(oci_image_build "$BATS_FILE_TMPDIR/img" latest "$src/l1" "$src/l2")
    registry_start REG "$BATS_FILE_TMPDIR/storage"
    export REG="127.0.0.1:$REG_PORT"
    reg_push "$BATS_FILE_TMPDIR/img:latest" "$REG/test/bb:latest"
    reg_push "$BATS_FILE_TMPDIR/img:latest" "$REG/test/bb:v2"
}

teardown_file() {
    reg_stop_all
}

setup() {
    STORE="$BATS_TEST_TMPDIR/store"
    REG_PIDS_FILE="$BATS_TEST_TMPDIR/pids" # servers a test starts on its own (proxies)
}

teardown() {
    reg_stop_all
    unmount_test_bundles
}

# manifest_blobs DIGEST: the config and layer digests of a manifest in the test layout.
manifest_blobs() {
    jq -r '.config.digest, .layers[].digest' "$BATS_FILE_TMPDIR/img/blobs/sha256/${1#sha256:}"
}

@test "registry: pull over plain http stores every blob and names the image" {
    run "$IMAGETOOL" --store "$STORE" pull "docker://$REG/test/bb:latest"
    [ "$status" -eq 0 ] || fail "pull failed: $output"
    [[ $output == *"$REG/test/bb:latest"* ]]
    [[ $output == *"$IMG_DIGEST"* ]]
    [ -f "$STORE/blobs/sha256/${IMG_DIGEST#sha256:}" ]
    local d
    for d in $(manifest_blobs "$IMG_DIGEST"); do
        [ -f "$STORE/blobs/sha256/${d#sha256:}" ] || fail "blob $d missing"
    done
    store_has_no_partial_blobs "$STORE"
    run "$IMAGETOOL" --store "$STORE" images
    [[ $output == *"$REG/test/bb:latest"* ]]
    run "$IMAGETOOL" --store "$STORE" inspect "$REG/test/bb:latest"
    [ "$status" -eq 0 ]
    [[ $output == *'"sh"'* ]]
}

@test "registry: libcurl is loaded by a pull only; --version and an oci: unpack never load it" {
    # the dynamic loader names each library it looks for (glibc's LD_DEBUG)
    run env LD_DEBUG=libs "$IMAGETOOL" --version
    [ "$status" -eq 0 ]
    [[ $output != *libcurl* ]] || fail "--version loaded libcurl"
    run env LD_DEBUG=libs "$IMAGETOOL" --store "$STORE" unpack -q --backend copy "oci:$BATS_FILE_TMPDIR/img:latest" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output != *libcurl* ]] || fail "an oci: unpack loaded libcurl"
    run env LD_DEBUG=libs "$IMAGETOOL" --store "$STORE" pull -q "docker://$REG/test/bb:latest"
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output == *"find library=libcurl.so.4"* ]] || fail "the pull did not load libcurl: $output"
    [ "$(grep -c '^sha256:' <<<"$output")" = 1 ]
}

@test "start-up: libarchive, ISA-L and libsquashfs load when used only; --version, images and a second bundle load none" {
    local lib
    run env LD_DEBUG=libs "$IMAGETOOL" --version
    for lib in libarchive libisal libsquashfs; do
        [[ $output != *$lib* ]] || fail "--version loaded $lib"
    done
    local src="oci:$BATS_FILE_TMPDIR/img:latest"
    run env LD_DEBUG=libs "$IMAGETOOL" --store "$STORE" unpack -q "$src" "$BATS_TEST_TMPDIR/b1"
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output == *"find library=libarchive.so.13"* ]] || fail "the first unpack did not load libarchive: $output"
    [[ $output == *"find library=libisal.so.2"* ]] || fail "the first unpack (gzip layers) did not load ISA-L: $output"
    [[ $output != *libsquashfs* ]] || fail "an unpack that writes no squashfs image loaded libsquashfs"
    run env LD_DEBUG=libs "$IMAGETOOL" --store "$STORE" unpack -q "$src" "$BATS_TEST_TMPDIR/b2"
    [ "$status" -eq 0 ] || fail "$output"
    for lib in libarchive libisal libsquashfs; do
        [[ $output != *$lib* ]] || fail "a second bundle loaded $lib"
    done
    run env LD_DEBUG=libs "$IMAGETOOL" --store "$STORE" images
    [[ $output != *libarchive* ]] || fail "images loaded libarchive"
    [ -x "$BATS_TEST_TMPDIR/b2/rootfs/bin/busybox" ] || [ "$(id -u)" != 0 ]
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/b1"
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/b2"
}

@test "registry: not a terminal: one plain line per layer; a second pull finds everything" {
    run "$IMAGETOOL" --store "$STORE" pull "docker://$REG/test/bb:latest"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Pull complete (' <<<"$output")" -eq 3 ]
    [[ $output != *$'\033['* ]]
    run "$IMAGETOOL" --store "$STORE" pull "docker://$REG/test/bb:v2"
    [ "$status" -eq 0 ]
    [ "$(grep -c ': Already exists' <<<"$output")" -eq 3 ]
    [[ $output != *"Pull complete"* ]]
    run "$IMAGETOOL" --store "$STORE" images
    [[ $output == *"$REG/test/bb:v2"* ]]
}

@test "registry: --quiet prints the digest and no progress" {
    run --separate-stderr "$IMAGETOOL" --store "$STORE" pull --quiet "docker://$REG/test/bb:latest"
    [ "$status" -eq 0 ]
    [ "$output" = "$IMG_DIGEST" ]
    [ -z "$stderr" ]
}

@test "registry: on a terminal each layer gets a live line" {
    command -v script >/dev/null || skip "script(1) is absent"
    run script -qec "'$IMAGETOOL' --store '$STORE' pull 'docker://$REG/test/bb:latest'" /dev/null
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output == *$'\033[2K'* ]]
    [ "$(grep -c 'Pull complete' <<<"$output")" -ge 3 ]
}

@test "registry: pull by digest, and by tag and digest" {
    run "$IMAGETOOL" --store "$STORE" pull --quiet "docker://$REG/test/bb@$IMG_DIGEST"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = "$IMG_DIGEST" ]
    run "$IMAGETOOL" --store "$STORE" images
    [[ $output == *"$REG/test/bb@$IMG_DIGEST"* ]]
    run "$IMAGETOOL" --store "$STORE" pull --quiet "docker://$REG/test/bb:v2@$IMG_DIGEST"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = "$IMG_DIGEST" ]
}

@test "registry: a digest the registry does not have is 'not found' (exit 4)" {
    local missing="sha256:$(printf 'nothing here' | sha256sum | cut -d' ' -f1)"
    run "$IMAGETOOL" --store "$STORE" pull "docker://$REG/test/bb@$missing"
    [ "$status" -eq 4 ]
    [[ $output == *"manifest $missing"*"404"* ]]
    run "$IMAGETOOL" --store "$STORE" pull "docker://$REG/test/nosuchrepo:latest"
    [ "$status" -eq 4 ]
    [[ $output == *"nosuchrepo"* ]]
    [[ $output == *"UNKNOWN"* ]]
}

@test "registry: bad references are refused (exit 3) without a registry" {
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:1/Test/bb"
    [ "$status" -eq 3 ]
    [[ $output == *"must be lowercase"* ]]
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:1/test/bb@sha256:abc"
    [ "$status" -eq 3 ]
    [[ $output == *"bad sha256 digest"* ]]
    run "$IMAGETOOL" --store "$STORE" pull "docker:127.0.0.1:1/test/bb"
    [ "$status" -eq 3 ]
    [[ $output == *"docker://"* ]]
}

@test "registry: a registry that is not there is a network error (exit 6)" {
    local port
    port=$(reg_free_port)
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$port/test/bb:latest"
    [ "$status" -eq 6 ]
    [[ $output == *"127.0.0.1:$port"* ]]
}

@test "registry: two concurrent pulls of the same image both succeed and store it once" {
    "$IMAGETOOL" --store "$STORE" pull "docker://$REG/test/bb:latest" >"$BATS_TEST_TMPDIR/a.out" 2>&1 &
    local a=$!
    "$IMAGETOOL" --store "$STORE" pull "docker://$REG/test/bb:latest" >"$BATS_TEST_TMPDIR/b.out" 2>&1 &
    local b=$!
    wait "$a" || fail "first pull: $(cat "$BATS_TEST_TMPDIR/a.out")"
    wait "$b" || fail "second pull: $(cat "$BATS_TEST_TMPDIR/b.out")"
    [ "$(find "$STORE/blobs" -type f | wc -l)" -eq 4 ]
    store_has_no_partial_blobs "$STORE"
    run "$IMAGETOOL" --store "$STORE" images
    [ "$(grep -c "$REG/test/bb:latest" <<<"$output")" -eq 1 ]
    [ "$(jq '[.manifests[] | select(.digest == "'"$IMG_DIGEST"'")] | length' "$STORE/index.json")" -eq 1 ]
}

@test "registry: a manifest list is narrowed to the requested platform" {
    require_shared_images
    local layout="$SHARED_IMAGES/docker-library-busybox-1.38-musl-multiarch-oci/layout"
    reg_push "$layout:1.38.0-musl" "$REG/multi/busybox:1.38" --all
    run "$IMAGETOOL" --store "$STORE" pull --quiet --platform linux/arm64/v8 "docker://$REG/multi/busybox:1.38"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = "sha256:3cb83a1fb0a5d7064741699ec39f3276d393df432c7c287e8486154465910a89" ]
    run "$IMAGETOOL" --store "$STORE" pull --quiet --platform linux/386 "docker://$REG/multi/busybox:1.38"
    [ "$status" -eq 0 ]
    [ "$output" = "sha256:6a8df8329cbd68be2b8659c18291fe8b5dc45becf51d18809192e4c86b6dfc42" ]
    if [ "$(uname -m)" = x86_64 ]; then # no --platform: the host's
        run "$IMAGETOOL" --store "$STORE" pull --quiet "docker://$REG/multi/busybox:1.38"
        [ "$output" = "sha256:a34ce92094b7b100a98fbd21411a92825f6827b1bc5f6918c253516c90556998" ]
    fi
    run "$IMAGETOOL" --store "$STORE" pull --platform linux/s390x "docker://$REG/multi/busybox:1.38"
    [ "$status" -ne 0 ]
    [[ $output == *"linux/s390x"* ]]
    store_has_no_partial_blobs "$STORE"
}

@test "registry: a Docker schema1 manifest gets a clear 'unsupported' error" {
    require_shared_images
    local s1="$SHARED_IMAGES/skopeo-dir-schema1/uncompressed-image-s1/manifest.json"
    fault_proxy_start PX "$REG_PORT" "$BATS_TEST_TMPDIR/proxy.log" --mode manifest --own-digest \
        --manifest-body "$s1" --manifest-type application/vnd.docker.distribution.manifest.v1+prettyjws
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$PX_PORT/test/bb:latest"
    [ "$status" -eq 3 ]
    [[ $output == *"schema1"*"unsupported"* ]]
    [ ! -f "$STORE/index.json" ] || [ "$(jq '.manifests | length' "$STORE/index.json")" -eq 0 ]
}

@test "registry: manifest bytes that do not match Docker-Content-Digest are refused" {
    local body="$BATS_TEST_TMPDIR/tampered.json"
    jq . "$BATS_FILE_TMPDIR/img/blobs/sha256/${IMG_DIGEST#sha256:}" >"$body" # same JSON, other bytes
    fault_proxy_start PX "$REG_PORT" "$BATS_TEST_TMPDIR/proxy.log" --mode manifest \
        --manifest-body "$body" --manifest-type application/vnd.oci.image.manifest.v1+json
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$PX_PORT/test/bb:latest"
    [ "$status" -eq 3 ]
    [[ $output == *"digest mismatch"*"$IMG_DIGEST"* ]]
    # pulled by digest, the reference's digest is the one that must match
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$PX_PORT/test/bb@$IMG_DIGEST"
    [ "$status" -eq 3 ]
    [[ $output == *"expected $IMG_DIGEST"* ]]
    store_has_no_partial_blobs "$STORE"
}

@test "registry: unpack docker://... makes a bundle from the pulled layers" {
    run "$IMAGETOOL" --store "$STORE" unpack "docker://$REG/test/bb:latest" "$BATS_TEST_TMPDIR/bundle"
    [ "$status" -eq 0 ] || fail "unpack failed: $output"
    [ "$(cat "$BATS_TEST_TMPDIR/bundle/rootfs/etc/hello")" = "hello from layer two" ]
    cmp "$BUSYBOX" "$BATS_TEST_TMPDIR/bundle/rootfs/bin/busybox"
    [ "$(jq -c .process.args "$BATS_TEST_TMPDIR/bundle/config.json")" = '["sh"]' ]
    store_has_no_partial_blobs "$STORE"
}

@test "registry: proxies come from the environment (http_proxy)" {
    fault_proxy_start PX "$REG_PORT" "$BATS_TEST_TMPDIR/proxy.log" --mode none
    http_proxy="http://127.0.0.1:$PX_PORT" run "$IMAGETOOL" --store "$STORE" pull -q "docker://$REG/test/bb:latest"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = "$IMG_DIGEST" ]
    grep -q "^main GET http://$REG/v2/test/bb/manifests/latest" "$BATS_TEST_TMPDIR/proxy.log" ||
        fail "the pull did not go through the proxy: $(cat "$BATS_TEST_TMPDIR/proxy.log")"
    [ "$(grep -c "^main GET http://$REG/v2/test/bb/blobs/" "$BATS_TEST_TMPDIR/proxy.log")" -eq 3 ]
}

# real_roundtrip FOLDER FILE NAME: push a real docker-archive with skopeo (a
# Docker schema2 manifest in the registry), unpack it from the registry and
# compare the rootfs with what skopeo + umoci made of it.
real_roundtrip() {
    local folder="$SHARED_IMAGES/$1" file=$2 name=$3 archive="$SHARED_IMAGES/$1/$2"
    if [[ $file == *.gz ]]; then # skopeo reads plain tars only
        archive="$BATS_TEST_TMPDIR/$name.tar"
        gzip -dc "$folder/$file" >"$archive"
    fi
    skopeo --insecure-policy copy -q --dest-tls-verify=false "docker-archive:$archive" \
        "docker://$REG/real/$name:latest" >/dev/null
    run "$IMAGETOOL" --store "$STORE" unpack -q "docker://$REG/real/$name:latest" "$BATS_TEST_TMPDIR/$name"
    [ "$status" -eq 0 ] || fail "unpack $name: $output"
    [ "$(jq -r '.manifests[] | select(.annotations["org.opencontainers.image.ref.name"] == "'"$REG/real/$name:latest"'") | .mediaType' \
        "$STORE/index.json")" = "application/vnd.docker.distribution.manifest.v2+json" ] || fail "not stored as Docker schema2"
    python3 "$PROJECT_ROOT/tests/lib/tree-listing.py" "$BATS_TEST_TMPDIR/$name/rootfs" >"$BATS_TEST_TMPDIR/$name.txt"
    diff -u "$folder/EXPECTED/${file%%.tar*}.rootfs.txt" "$BATS_TEST_TMPDIR/$name.txt" || fail "$name: rootfs differs"
}

@test "registry: real images (Docker schema2, 14 layers with whiteouts; alpine) unpack from the registry as skopeo+umoci do" {
    require_shared_images
    real_roundtrip dive-docker-save-14layers test-docker-image.tar dive
    real_roundtrip trivy-alpine-3.10-docker-save alpine-310.tar.gz alpine
    store_has_no_partial_blobs "$STORE"
}

@test "registry: inspect docker:// reads the manifest and config only, as skopeo inspect, and leaves no store" {
    run "$IMAGETOOL" --store "$STORE" inspect --tls-verify=false "docker://$REG/test/bb:v2"
    [ "$status" -eq 0 ]
    [ "$(jq -r .digest <<<"$output")" = "$IMG_DIGEST" ]
    [ "$(jq -r .name <<<"$output")" = "$REG/test/bb:v2" ]
    [ "$(jq -r '.manifest.layers | length' <<<"$output")" = 2 ]
    [ "$(jq -r .config.architecture <<<"$output")" = "$(skopeo inspect --tls-verify=false "docker://$REG/test/bb:v2" | jq -r .Architecture)" ]
    [ ! -e "$STORE" ]
}
