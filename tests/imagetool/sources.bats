#!/usr/bin/env bats
# Every on-disk source kind, from the real images in ../shared/images/real:
# docker-archive (legacy, gzip'd, xz'd, Docker 25, symlinked layers, two
# images), oci (symlinked blobs, nested index), oci-archive (gzip, zstd,
# plain, eStargz layers), dir: schema2 (schema1 refused).

load ../lib/helpers

setup() {
    require_shared_images
    S="$BATS_TEST_TMPDIR/store"
    R="$SHARED_IMAGES"
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

# Every blob's name is the sha256 of its content, and no temp file is left.
store_is_sound() {
    local f
    for f in "$S"/blobs/sha256/*; do
        [ "$(sha256sum <"$f" | cut -d' ' -f1)" = "$(basename "$f")" ] || fail "blob $f has other content"
    done
    [ -z "$(ls -A "$S/tmp")" ] || fail "temp files left: $(ls "$S/tmp")"
}

# layer_types REF: the stored layers' media types, one a line
layer_types() { it inspect "$1" | jq -r '.manifest.layers[].mediaType'; }

@test "docker-archive: legacy Docker 18 save with 14 layers, named by its RepoTag" {
    run it pull "docker-archive:$R/dive-docker-save-14layers/test-docker-image.tar"
    [ "$status" -eq 0 ]
    [[ "$output" == "imported docker.io/library/dive-test:latest sha256:"* ]]
    [ "$(it inspect dive-test | jq '.manifest.layers | length')" = 14 ]
    [ "$(it inspect dive-test | jq '.config.rootfs.diff_ids | length')" = 14 ]
    [ "$(layer_types dive-test | sort -u)" = "application/vnd.oci.image.layer.v1.tar" ]
    store_is_sound
}

@test "docker-archive: whole-file gzip (alpine 3.10) stores the uncompressed layer as it is" {
    run it pull "docker-archive:$R/trivy-alpine-3.10-docker-save/alpine-310.tar.gz"
    [ "$status" -eq 0 ]
    [ "$(it inspect docker.io/library/alpine:3.10 | jq -c .config.config.Cmd)" = '["/bin/sh"]' ]
    # the layer blob is the diff_id: stored uncompressed, byte for byte
    [ "$(it inspect alpine:3.10 | jq -r '.manifest.layers[0].digest')" = \
      "$(it inspect alpine:3.10 | jq -r '.config.rootfs.diff_ids[0]')" ]
    store_is_sound
}

@test "docker-archive: Docker >= 25 save (OCI layout inside, index.json manifests null) via manifest.json" {
    run it pull "docker-archive:$R/gcr-hello-world-docker25-save/hello-world-v25.tar"
    [ "$status" -eq 0 ]
    ref="docker-archive:$(realpath "$R/gcr-hello-world-docker25-save/hello-world-v25.tar")"
    [[ "$output" == "imported $ref sha256:"* ]]
    [ "$(it inspect "$ref" | jq -r .config.architecture)" = arm64 ]
    [ "$(it inspect "$ref" | jq -r '.manifest.layers[0].digest')" = \
      sha256:12660636fe55438cc3ae7424da7ac56e845cdb52493ff9cf949c47a7f57f8b43 ]
    store_is_sound
}

@test "docker-archive: .tar.gz layers sniffed as gzip, config named sha256:<hex>" {
    run it pull "docker-archive:$R/gcr-docker-archives/whiteout_dir.tar"
    [ "$status" -eq 0 ]
    [ "$(it inspect localhost:5000/whiteout | jq -r .manifest.config.digest)" = \
      sha256:92f1e3d53acdc7e137e73869abc4e87aba6614440a31723423790ca0d5db9111 ]
    [ "$(layer_types localhost:5000/whiteout | sort -u)" = "application/vnd.oci.image.layer.v1.tar+gzip" ]
    store_is_sound
}

@test "docker-archive: two images, a symlinked layer.tar shared and stored once" {
    run it pull "docker-archive:$R/gcr-docker-archives/test_link.tar:@0"
    [ "$status" -eq 0 ]
    d0=$(echo "$output" | awk '{print $3}')
    run it pull "docker-archive:$R/gcr-docker-archives/test_link.tar:@1"
    [ "$status" -eq 0 ]
    d1=$(echo "$output" | awk '{print $3}')
    [ "$d0" != "$d1" ]
    shared=$(comm -12 <(it inspect "$d0" | jq -r '.manifest.layers[].digest' | sort) \
                      <(it inspect "$d1" | jq -r '.manifest.layers[].digest' | sort))
    [ -n "$shared" ]
    # blobs: 2 manifests + 2 configs + the distinct layers
    layers=$( (it inspect "$d0"; it inspect "$d1") | jq -r '.manifest.layers[].digest' | sort -u | wc -l)
    [ "$(ls "$S/blobs/sha256" | wc -l)" -eq $((4 + layers)) ]
    store_is_sound
}

@test "docker-archive: two images need a REF; chosen by @N or by RepoTag" {
    run it pull "docker-archive:$R/gcr-docker-archives/test_bundle.tar"
    [ "$status" -eq 3 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"lists 2 images"* ]]
    run it pull "docker-archive:$R/gcr-docker-archives/test_bundle.tar:@1"
    [ "$status" -eq 0 ]
    run it pull "docker-archive:$R/gcr-docker-archives/test_bundle.tar:@2"
    [ "$status" -eq 4 ]
    run it pull "docker-archive:$R/skopeo-docker-two-images/docker-two-images.tar.xz:example.com/empty/but:different"
    [ "$status" -eq 0 ]
    [[ "$output" == "imported example.com/empty/but:different sha256:"* ]]
    run it pull "docker-archive:$R/skopeo-docker-two-images/docker-two-images.tar.xz:@0"
    [ "$status" -eq 0 ]
    [[ "$output" == "imported example.com/empty:latest sha256:"* ]]
    run it pull "docker-archive:$R/skopeo-docker-two-images/docker-two-images.tar.xz:nosuch:tag"
    [ "$status" -eq 4 ]
    store_is_sound
}

@test "oci: untagged hello-world keeps its manifest digest and is named by the source (absolute path)" {
    cd "$R/trivy-hello-world-oci"
    run it pull oci:./test.oci
    [ "$status" -eq 0 ]
    ref="oci:$(realpath test.oci)"
    [ "$output" = "imported $ref sha256:afb744871f99e0ff8e6f253244836ed34c5d805fdb096d3a205ffaf5e9073cab" ]
    [ "$(it inspect "$ref" | jq -c .config.config.Cmd)" = '["/hello"]' ]
    [ "$(it inspect oci:test.oci | jq -r .name)" = "$ref" ]
    cd /
    [ "$(it inspect "oci:$R/trivy-hello-world-oci/test.oci" | jq -r .name)" = "$ref" ]
    store_is_sound
}

@test "oci: blobs that are symlinks, ref.name with a colon" {
    run it pull "oci:$R/docker-library-busybox-1.38-glibc-amd64-oci/layout"
    [ "$status" -eq 0 ]
    [[ "$output" == "imported docker.io/library/busybox:1.38.0-glibc sha256:1cfa4e2b"* ]]
    run it pull "oci:$R/docker-library-busybox-1.38-glibc-amd64-oci/layout:busybox:1.38.0-glibc" --name bb
    [ "$status" -eq 0 ]
    [ "$(it inspect bb | jq -r .manifest.layers[0].digest)" = \
      sha256:b05093807bb0294152bb9cf86d64da722732dddaf7f8882fa1f120477dbc4db3 ]
    store_is_sound
}

@test "oci: a tag that is not there fails with the tags that are" {
    run it pull "oci:$R/regclient-testrepo-oci/testrepo:nosuch"
    [ "$status" -eq 4 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"no image tagged 'nosuch'"*"v1"* ]]
    run it pull "oci:$R/regclient-testrepo-oci/testrepo"
    [ "$status" -eq 3 ]
    [[ "$output" == *"choose one with :TAG"* ]]
}

@test "oci-archive: gzip, zstd, plain and eStargz layers, media types sniffed from the bytes" {
    for kind in gzip zstd uncompressed estargz; do
        run it pull "oci-archive:$R/dive-oci-compression/test-oci-$kind-image.tar" --name "$kind"
        [ "$status" -eq 0 ]
    done
    [ "$(layer_types gzip)" = application/vnd.oci.image.layer.v1.tar+gzip ]
    [ "$(layer_types zstd)" = application/vnd.oci.image.layer.v1.tar+zstd ]
    [ "$(layer_types uncompressed)" = application/vnd.oci.image.layer.v1.tar ]
    [ "$(layer_types estargz)" = application/vnd.oci.image.layer.v1.tar+gzip ]
    # gzip, zstd and plain share the diff_id
    [ "$(for k in gzip zstd uncompressed; do it inspect $k | jq -r '.config.rootfs.diff_ids[0]'; done | sort -u | wc -l)" = 1 ]
    store_is_sound
}

@test "dir: schema2 imports (config typed octet-stream); schema1 is refused as unsupported" {
    run it pull "dir:$R/skopeo-dir-schema2/uncompressed-image-s2"
    [ "$status" -eq 0 ]
    run it pull "dir:$R/skopeo-dir-schema1/uncompressed-image-s1"
    [ "$status" -eq 3 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"schema1"*"unsupported"* ]]
    store_is_sound
}

@test "the store is an OCI layout skopeo and umoci read" {
    it pull "docker-archive:$R/dive-docker-save-14layers/test-docker-image.tar" >/dev/null
    it pull "oci:$R/trivy-hello-world-oci/test.oci" >/dev/null
    run umoci ls --layout "$S"
    [ "$status" -eq 0 ]
    [[ "$output" == *"docker.io/library/dive-test:latest"* ]]
    run skopeo inspect "oci:$S:docker.io/library/dive-test:latest"
    [ "$status" -eq 0 ]
    [ "$(echo "$output" | jq '.Layers | length')" = 14 ]
}

@test "every positive real image imports into one store" {
    local srcs=(
        "docker-archive:$R/dive-docker-save-14layers/test-docker-image.tar"
        "docker-archive:$R/trivy-alpine-3.10-docker-save/alpine-310.tar.gz"
        "docker-archive:$R/gcr-hello-world-docker25-save/hello-world-v25.tar"
        "docker-archive:$R/gcr-docker-archives/overwritten_file.tar"
        "docker-archive:$R/gcr-docker-archives/whiteout_image.tar"
        "docker-archive:$R/gcr-docker-archives/whiteout_dir.tar"
        "docker-archive:$R/gcr-docker-archives/test_bundle.tar:@0"
        "docker-archive:$R/gcr-docker-archives/test_bundle.tar:@1"
        "docker-archive:$R/gcr-docker-archives/test_link.tar:@0"
        "docker-archive:$R/gcr-docker-archives/test_link.tar:@1"
        "docker-archive:$R/skopeo-docker-two-images/docker-two-images.tar.xz:@0"
        "docker-archive:$R/skopeo-docker-two-images/docker-two-images.tar.xz:@1"
        "oci:$R/trivy-hello-world-oci/test.oci"
        "oci:$R/docker-library-busybox-1.38-glibc-amd64-oci/layout"
        "oci:$R/docker-library-busybox-1.38-musl-multiarch-oci/layout"
        "oci:$R/regclient-testrepo-oci/testrepo:v1"
        "oci-archive:$R/dive-oci-compression/test-oci-gzip-image.tar"
        "oci-archive:$R/dive-oci-compression/test-oci-zstd-image.tar"
        "oci-archive:$R/dive-oci-compression/test-oci-uncompressed-image.tar"
        "oci-archive:$R/dive-oci-compression/test-oci-estargz-image.tar"
        "dir:$R/skopeo-dir-schema2/uncompressed-image-s2"
    )
    for src in "${srcs[@]}"; do
        it pull -q "$src" >/dev/null || fail "$src did not import"
    done
    [ "$(it images --format json | jq length)" -ge 20 ]
    # every named image's manifest, config and layers are in the store
    for d in $(it images --format json | jq -r '.[].digest'); do
        for b in $(it inspect "$d" | jq -r '.manifest.config.digest, .manifest.layers[].digest'); do
            [ -f "$S/blobs/sha256/${b#sha256:}" ] || fail "$d: blob $b missing"
        done
    done
    store_is_sound
}

@test "docker-archive: importing again (blobs present, not read) gives the same manifest" {
    # a Docker >= 25 style save with a gzip layer: the OCI layout of the
    # gzip oci-archive plus a manifest.json naming its blobs
    mkdir "$BATS_TEST_TMPDIR/save"
    tar -C "$BATS_TEST_TMPDIR/save" -xf "$R/dive-oci-compression/test-oci-gzip-image.tar"
    m=$(jq -r '.manifests[0].digest' "$BATS_TEST_TMPDIR/save/index.json")
    jq -c '[{Config: ("blobs/sha256/" + .config.digest[7:]), RepoTags: ["save:gz"],
             Layers: [.layers[] | "blobs/sha256/" + .digest[7:]]}]' \
        "$BATS_TEST_TMPDIR/save/blobs/sha256/${m#sha256:}" >"$BATS_TEST_TMPDIR/save/manifest.json"
    tar -C "$BATS_TEST_TMPDIR/save" -cf "$BATS_TEST_TMPDIR/save.tar" .
    d1=$(it pull -q "docker-archive:$BATS_TEST_TMPDIR/save.tar")
    d2=$(it pull -q "docker-archive:$BATS_TEST_TMPDIR/save.tar")
    [ "$d1" = "$d2" ]
    [ "$(layer_types save:gz)" = application/vnd.oci.image.layer.v1.tar+gzip ]
    store_is_sound
}

@test "docker-archive: a JSON document too big to keep in memory is read back from the store" {
    mkdir "$BATS_TEST_TMPDIR/save"
    tar -C "$BATS_TEST_TMPDIR/save" -xf "$R/gcr-docker-archives/whiteout_dir.tar"
    # pad manifest.json past the 1 MiB kept in memory per entry
    { cat "$BATS_TEST_TMPDIR/save/manifest.json"; head -c 2000000 /dev/zero | tr '\0' ' '; } \
        >"$BATS_TEST_TMPDIR/save/m" && mv "$BATS_TEST_TMPDIR/save/m" "$BATS_TEST_TMPDIR/save/manifest.json"
    tar -C "$BATS_TEST_TMPDIR/save" -cf "$BATS_TEST_TMPDIR/big-manifest.tar" .
    run it pull -q "docker-archive:$BATS_TEST_TMPDIR/big-manifest.tar"
    [ "$status" -eq 0 ]
    [ "$output" = "$(it pull -q "docker-archive:$R/gcr-docker-archives/whiteout_dir.tar")" ]
    [ -z "$(ls -A "$S/tmp")" ]
}
