#!/usr/bin/env bats
# Every real image in ../shared/images/real that a supported transport
# reads: imagetool unpack gives the process (image-derived parts) and the
# rootfs tree that skopeo + umoci gave (EXPECTED/).

load ../lib/helpers
load unpack_helpers

setup() {
    require_shared_images
}

# check_real FOLDER NAME SOURCE [UNPACK-FLAGS...]: unpack SOURCE (relative to
# FOLDER) with the copy backend and compare with FOLDER/EXPECTED/NAME.*.
check_real() {
    local folder="$SHARED_IMAGES/$1" name=$2 source=$3
    shift 3
    local b="$BATS_TEST_TMPDIR/bundle"
    run it_unpack "$@" "${source%%:*}:$folder/${source#*:}" "$b"
    [ "$status" -eq 0 ] || fail "unpack $source: $output"
    jq '.process' "$b/config.json" | image_process >"$BATS_TEST_TMPDIR/process.got"
    image_process "$folder/EXPECTED/$name.process.json" >"$BATS_TEST_TMPDIR/process.want"
    diff -u "$BATS_TEST_TMPDIR/process.want" "$BATS_TEST_TMPDIR/process.got" || fail "process differs"
    rootfs_listing "$b/rootfs" >"$BATS_TEST_TMPDIR/rootfs.got"
    diff -u "$folder/EXPECTED/$name.rootfs.txt" "$BATS_TEST_TMPDIR/rootfs.got" || fail "rootfs differs"
    [ "$(cfg "$b" .process.terminal)" = false ]
}

@test "real: docker save, 14 layers with whiteouts (dive)" {
    check_real dive-docker-save-14layers test-docker-image docker-archive:test-docker-image.tar
}

@test "real: alpine 3.10, gzip'd docker save (trivy)" {
    check_real trivy-alpine-3.10-docker-save alpine-310 docker-archive:alpine-310.tar.gz
}

@test "real: Docker 25 save with a null index (hello-world arm64)" {
    check_real gcr-hello-world-docker25-save hello-world-v25 docker-archive:hello-world-v25.tar \
        --platform linux/arm64
}

@test "real: file whiteout (gcr whiteout_image)" {
    check_real gcr-docker-archives whiteout_image docker-archive:whiteout_image.tar
}

@test "real: overwritten file (gcr overwritten_file)" {
    check_real gcr-docker-archives overwritten_file docker-archive:overwritten_file.tar
}

@test "real: directory whiteout, gzip layers (gcr whiteout_dir)" {
    check_real gcr-docker-archives whiteout_dir docker-archive:whiteout_dir.tar
}

@test "real: symlinked layer.tar, both images (gcr test_link)" {
    check_real gcr-docker-archives test_link@0 docker-archive:test_link.tar:@0
    remove_bundle "$BATS_TEST_TMPDIR/bundle"
    check_real gcr-docker-archives test_link@1 docker-archive:test_link.tar:@1
}

@test "real: two images in one archive (gcr test_bundle)" {
    check_real gcr-docker-archives test_bundle@0 docker-archive:test_bundle.tar:@0
    remove_bundle "$BATS_TEST_TMPDIR/bundle"
    check_real gcr-docker-archives test_bundle@1 docker-archive:test_bundle.tar:@1
}

@test "real: xz'd docker save with two images (skopeo)" {
    check_real skopeo-docker-two-images docker-two-images@0 docker-archive:docker-two-images.tar.xz:@0
    remove_bundle "$BATS_TEST_TMPDIR/bundle"
    check_real skopeo-docker-two-images docker-two-images@1 docker-archive:docker-two-images.tar.xz:@1
}

@test "real: OCI layout, untagged hello-world (trivy)" {
    check_real trivy-hello-world-oci test.oci oci:test.oci
}

@test "real: oci-archive with gzip, plain, zstd and eStargz layers (dive)" {
    local kind
    for kind in gzip uncompressed estargz; do
        remove_bundle "$BATS_TEST_TMPDIR/bundle"
        check_real dive-oci-compression "test-oci-$kind-image" "oci-archive:test-oci-$kind-image.tar" \
            --platform linux/arm64
    done
    remove_bundle "$BATS_TEST_TMPDIR/bundle"
    # umoci cannot read zstd: the gzip variant's listing is the expected one.
    run it_unpack --platform linux/arm64 "oci-archive:$SHARED_IMAGES/dive-oci-compression/test-oci-zstd-image.tar" \
        "$BATS_TEST_TMPDIR/bundle"
    [ "$status" -eq 0 ] || fail "$output"
    diff -u "$SHARED_IMAGES/dive-oci-compression/EXPECTED/test-oci-gzip-image.rootfs.txt" \
        <(rootfs_listing "$BATS_TEST_TMPDIR/bundle/rootfs")
}

@test "real: official busybox glibc, symlinked blobs, hard links" {
    check_real docker-library-busybox-1.38-glibc-amd64-oci busybox-glibc-amd64 oci:layout
}

@test "real: nested index, each of 4 platforms (busybox musl)" {
    local p
    for p in amd64:linux/amd64 arm64v8:linux/arm64/v8 armv7:linux/arm/v7 386:linux/386; do
        remove_bundle "$BATS_TEST_TMPDIR/bundle"
        check_real docker-library-busybox-1.38-musl-multiarch-oci "busybox-musl-${p%%:*}" oci:layout \
            --platform "${p#*:}"
    done
}

@test "real: many tags and artifact manifests (regclient testrepo v1)" {
    check_real regclient-testrepo-oci testrepo-v1-amd64 oci:testrepo:v1 --platform linux/amd64
}

@test "real: containers/image dir: with a mislabelled layer (skopeo schema2)" {
    check_real skopeo-dir-schema2 uncompressed-image-s2 dir:uncompressed-image-s2
}

@test "real: the runnable ones run under runc (alpine, busybox, hello-world)" {
    local b="$BATS_TEST_TMPDIR/alpine"
    it_unpack "docker-archive:$SHARED_IMAGES/trivy-alpine-3.10-docker-save/alpine-310.tar.gz" "$b" \
        cat /etc/alpine-release
    run runc_run "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == 3.10* ]]
    b="$BATS_TEST_TMPDIR/busybox"
    it_unpack "oci:$SHARED_IMAGES/docker-library-busybox-1.38-glibc-amd64-oci/layout" "$b" busybox echo hi
    run runc_run "$b"
    [ "$status" -eq 0 ] && [ "$output" = hi ] || fail "$output"
    b="$BATS_TEST_TMPDIR/hello"
    it_unpack "oci:$SHARED_IMAGES/trivy-hello-world-oci/test.oci" "$b"
    run runc_run "$b"
    [ "$status" -eq 0 ] && [[ "$output" == *"Hello from Docker!"* ]] || fail "$output"
}
