#!/usr/bin/env bats
# Oracle: umoci unpack (Debian's umoci 0.4.7) and imagetool unpack of the
# same image yield identical trees: names, types, modes, owners, link
# targets, content hashes, hard links. skopeo puts non-OCI sources into an
# OCI layout for umoci; imagetool reads the original source.

load ../lib/helpers
load unpack_helpers

# layout_for_umoci SOURCE DIR: SOURCE as an OCI layout tagged "t" in DIR.
# skopeo reads docker archives (not gzip'd ones); an OCI layout with a single
# manifest is copied with its symlinked blobs dereferenced and retagged.
layout_for_umoci() {
    local source=$1 layout=$2
    case $source in
    oci:*)
        local dir=${source#oci:}
        dir=${dir%%:*}
        cp -rL "$dir" "$layout"
        chmod -R u+w "$layout"
        local blob target
        for blob in "$layout"/blobs/sha256/*; do
            # a checkout without symlinks keeps a blob symlink as a file holding its target
            [ "$(sha256sum "$blob" | cut -d' ' -f1)" = "$(basename "$blob")" ] && continue
            target="$dir/blobs/sha256/$(cat "$blob")"
            [ -f "$target" ] && cp "$target" "$blob"
        done
        jq '.manifests = [.manifests[0] | .annotations["org.opencontainers.image.ref.name"] = "t"]' \
            "$dir/index.json" >"$layout/index.json"
        ;;
    docker-archive:*.gz)
        gzip -dc "${source#docker-archive:}" >"$BATS_TEST_TMPDIR/archive.tar"
        skopeo --insecure-policy copy -q "docker-archive:$BATS_TEST_TMPDIR/archive.tar" "oci:$layout:t"
        ;;
    *)
        skopeo --insecure-policy copy -q "$source" "oci:$layout:t"
        ;;
    esac
}

# oracle SOURCE: compare both tools on SOURCE.
oracle() {
    local source=$1
    local layout="$BATS_TEST_TMPDIR/layout"
    remove_bundle "$BATS_TEST_TMPDIR/ours"
    rm -rf "$layout" "$BATS_TEST_TMPDIR/umoci"
    layout_for_umoci "$source" "$layout" || fail "no OCI layout for umoci from $source"
    umoci unpack --image "$layout:t" "$BATS_TEST_TMPDIR/umoci" >/dev/null || fail "umoci unpack $source"
    it_unpack "$source" "$BATS_TEST_TMPDIR/ours" || fail "imagetool unpack $source"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/umoci/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/ours/rootfs")
}

@test "oracle: the demo image" {
    oracle "oci:$(demo_image):demo"
}

@test "oracle: alpine 3.10 (docker save)" {
    require_shared_images
    oracle "docker-archive:$SHARED_IMAGES/trivy-alpine-3.10-docker-save/alpine-310.tar.gz"
}

@test "oracle: 14 layers with whiteouts and overwrites (docker save)" {
    require_shared_images
    oracle "docker-archive:$SHARED_IMAGES/dive-docker-save-14layers/test-docker-image.tar"
}

@test "oracle: directory whiteout (gcr whiteout_dir)" {
    require_shared_images
    oracle "docker-archive:$SHARED_IMAGES/gcr-docker-archives/whiteout_dir.tar"
}

@test "oracle: official busybox with hard-linked applets" {
    require_shared_images
    oracle "oci:$SHARED_IMAGES/docker-library-busybox-1.38-glibc-amd64-oci/layout"
}

@test "oracle: busybox musl arm64 picked from a nested index" {
    require_shared_images
    local source="oci:$SHARED_IMAGES/docker-library-busybox-1.38-musl-multiarch-oci/layout"
    local layout="$BATS_TEST_TMPDIR/layout"
    skopeo --insecure-policy --override-arch arm64 --override-variant v8 copy -q "$source" "oci:$layout:t"
    umoci unpack --image "$layout:t" "$BATS_TEST_TMPDIR/umoci" >/dev/null
    it_unpack --platform linux/arm64/v8 "$source" "$BATS_TEST_TMPDIR/ours"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/umoci/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/ours/rootfs")
}

@test "oracle: device nodes, fifos, hard links, sticky and setuid modes, a whiteout in a later layer" {
    local src="$BATS_TEST_TMPDIR/src"
    mkdir -p "$src"/{a,b}/dir
    mknod "$src/a/dir/null" c 1 3
    mkfifo "$src/a/dir/fifo"
    echo shared >"$src/a/dir/file"
    ln "$src/a/dir/file" "$src/a/dir/link"
    chmod 4755 "$src/a/dir/file"
    chmod 1777 "$src/a/dir"
    chown 123:456 "$src/a/dir/fifo"
    ln -s ../nowhere "$src/a/dir/dangling"
    echo new >"$src/b/dir/other"
    touch "$src/b/dir/.wh.fifo"
    local img
    img=$(demo_with '.')
    img=${img#oci:}
    img=${img%:demo}
    local i hex size m
    for i in a b; do
        tar -C "$src/$i" --numeric-owner -cf "$BATS_TEST_TMPDIR/$i.tar" dir
        hex=$(sha256sum "$BATS_TEST_TMPDIR/$i.tar" | cut -d' ' -f1)
        size=$(stat -c %s "$BATS_TEST_TMPDIR/$i.tar")
        cp "$BATS_TEST_TMPDIR/$i.tar" "$img/blobs/sha256/$hex"
        derive_image "$img" "$img.$i" ".rootfs.diff_ids += [\"sha256:$hex\"]"
        m=$(jq -r '.manifests[0].digest' "$img.$i/index.json")
        jq -c --arg d "sha256:$hex" --argjson s "$size" \
            '.layers += [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $d, size: $s}]' \
            "$img.$i/blobs/sha256/${m#sha256:}" >"$BATS_TEST_TMPDIR/m.json"
        hex=$(sha256sum "$BATS_TEST_TMPDIR/m.json" | cut -d' ' -f1)
        cp "$BATS_TEST_TMPDIR/m.json" "$img.$i/blobs/sha256/$hex"
        jq -c --arg d "sha256:$hex" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/m.json")" \
            '.manifests[0].digest = $d | .manifests[0].size = $s' "$img.$i/index.json" >"$img.$i/index.new"
        mv "$img.$i/index.new" "$img.$i/index.json"
        img="$img.$i"
    done
    oracle "oci:$img:demo"
    grep -q '^/dir/other ' <(rootfs_listing "$BATS_TEST_TMPDIR/ours/rootfs")
    rootfs_listing "$BATS_TEST_TMPDIR/ours/rootfs" >"$BATS_TEST_TMPDIR/ours.txt"
    run ! grep -q '^/dir/fifo ' "$BATS_TEST_TMPDIR/ours.txt"
}
