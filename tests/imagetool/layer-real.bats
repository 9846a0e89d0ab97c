#!/usr/bin/env bats
# apply-layer on the real images' layers, in order, with their diff_ids:
# the trees must equal the reference listings (skopeo + umoci) in EXPECTED/.

load ../lib/helpers
load layer-helpers

setup() {
    require_shared_images
    OUT="$BATS_TEST_TMPDIR/rootfs"
    WORK="$BATS_TEST_TMPDIR/work"
}

@test "layer-real: alpine 3.10 (gzip'd docker save) equals the reference" {
    local img="$SHARED_IMAGES/trivy-alpine-3.10-docker-save"
    docker_archive_layers "$img/alpine-310.tar.gz" "$WORK" >"$WORK.list"
    [ "$(wc -l <"$WORK.list")" -eq 1 ]
    apply_listed "$OUT" apply <"$WORK.list"
    expect_tree "$OUT" "$img/EXPECTED/alpine-310.rootfs.txt"
}

@test "layer-real: dive 14 layers with whiteouts and overwrites equal the reference" {
    local img="$SHARED_IMAGES/dive-docker-save-14layers"
    docker_archive_layers "$img/test-docker-image.tar" "$WORK" >"$WORK.list"
    [ "$(wc -l <"$WORK.list")" -eq 14 ]
    apply_listed "$OUT" apply <"$WORK.list"
    expect_tree "$OUT" "$img/EXPECTED/test-docker-image.rootfs.txt"
}

@test "layer-real: gcr archives (file and dir whiteouts, .tar.gz layers) equal the reference" {
    local img="$SHARED_IMAGES/gcr-docker-archives" name
    for name in whiteout_dir whiteout_image overwritten_file; do
        rm -rf "$OUT" "$WORK"
        docker_archive_layers "$img/$name.tar" "$WORK" >"$WORK.list"
        apply_listed "$OUT" apply <"$WORK.list"
        expect_tree "$OUT" "$img/EXPECTED/$name.rootfs.txt" || fail "$name differs"
    done
}

@test "layer-real: busybox glibc OCI layout (hard-linked applets) equals the reference" {
    local img="$SHARED_IMAGES/docker-library-busybox-1.38-glibc-amd64-oci"
    # the layout's blobs are symlinks to these (stored as such or as text)
    echo "$img/layout/rootfs.tar.gz $(jq -r '.rootfs.diff_ids[0]' "$img/layout/image-config.json")" >"$WORK.list"
    apply_listed "$OUT" apply <"$WORK.list"
    expect_tree "$OUT" "$img/EXPECTED/busybox-glibc-amd64.rootfs.txt"
}

@test "layer-real: the same layer as gzip, zstd, plain tar and eStargz" {
    local img="$SHARED_IMAGES/dive-oci-compression" v expected
    for v in gzip zstd uncompressed estargz; do
        rm -rf "$OUT" "$WORK"
        mkdir -p "$WORK"
        tar -xf "$img/test-oci-$v-image.tar" -C "$WORK"
        oci_layers "$WORK" >"$WORK.list"
        apply_listed "$OUT" apply <"$WORK.list"
        expected="$img/EXPECTED/test-oci-$v-image.rootfs.txt"
        [ "$v" = zstd ] && expected="$img/EXPECTED/test-oci-gzip-image.rootfs.txt"
        expect_tree "$OUT" "$expected" || fail "$v differs"
    done
}

@test "layer-real: xz'd docker save (two images, symlinked layer) equals the reference" {
    local img="$SHARED_IMAGES/skopeo-docker-two-images" n
    for n in 0 1; do
        rm -rf "$OUT" "$WORK"
        docker_archive_layers "$img/docker-two-images.tar.xz" "$WORK" $n >"$WORK.list"
        apply_listed "$OUT" apply <"$WORK.list"
        expect_tree "$OUT" "$img/EXPECTED/docker-two-images@$n.rootfs.txt" || fail "image $n differs"
    done
}

@test "layer-real: alpine 3.10 equals umoci raw unpack of the same layer (oracle)" {
    local img="$SHARED_IMAGES/trivy-alpine-3.10-docker-save"
    docker_archive_layers "$img/alpine-310.tar.gz" "$WORK" >"$WORK.list"
    make_oci_image "$BATS_TEST_TMPDIR/oci" alpine "$(cut -d' ' -f1 "$WORK.list")"
    umoci_rootfs "$BATS_TEST_TMPDIR/oci" alpine "$BATS_TEST_TMPDIR/umoci"
    apply_listed "$OUT" apply <"$WORK.list"
    same_tree "$BATS_TEST_TMPDIR/umoci" "$OUT"
    # mtimes too (not in the listing): every entry the layer carries
    diff <(cd "$BATS_TEST_TMPDIR/umoci" && find . -mindepth 1 -printf '%p %T@\n' | sort) \
        <(cd "$OUT" && find . -mindepth 1 -printf '%p %T@\n' | sort)
}

@test "layer-real: skopeo dir: layer labelled gzip but plain, and hello-world OCI" {
    local img="$SHARED_IMAGES/skopeo-dir-schema2/uncompressed-image-s2"
    local blob="$img/160d823fdc48e62f97ba62df31e55424f8f5eb6b679c865eec6e59adfe304710"
    [ "$(head -c2 "$blob" | od -An -tx1 | tr -d ' ')" != 1f8b ] # mislabelled indeed
    echo "$blob $(jq -r '.rootfs.diff_ids[0]' "$img/86ce150e65c72b30f885c261449d18b7c6832596916e7f654e08377b5a67b4ff")" >"$WORK.list"
    apply_listed "$OUT" apply <"$WORK.list"
    expect_tree "$OUT" "$SHARED_IMAGES/skopeo-dir-schema2/EXPECTED/uncompressed-image-s2.rootfs.txt"

    rm -rf "$OUT"
    img="$SHARED_IMAGES/trivy-hello-world-oci"
    oci_layers "$img/test.oci" >"$WORK.list"
    apply_listed "$OUT" apply <"$WORK.list"
    expect_tree "$OUT" "$img/EXPECTED/test.oci.rootfs.txt"
}
