#!/usr/bin/env bats
# The store: an OCI layout (oci-layout, index.json, blobs/sha256), names as
# ref.name annotations, blobs stored once, concurrent imagetool processes,
# gc of unreferenced blobs, cached layers and stale temp files.

load ../lib/helpers

setup() {
    require_shared_images
    S="$BATS_TEST_TMPDIR/store"
    R="$SHARED_IMAGES"
    ALPINE="docker-archive:$R/trivy-alpine-3.10-docker-save/alpine-310.tar.gz"
    HELLO="oci:$R/trivy-hello-world-oci/test.oci"
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

@test "a new store is an OCI image layout; images does not create one" {
    run it images --format json
    [ "$status" -eq 4 ]
    [ ! -e "$S" ]
    it pull -q "$HELLO" >/dev/null
    [ "$(jq -r .imageLayoutVersion "$S/oci-layout")" = 1.0.0 ]
    [ "$(jq '.manifests | length' "$S/index.json")" = 1 ]
    [ -d "$S/blobs/sha256" ]
}

@test "names are full normalised references in ref.name annotations" {
    it pull "$ALPINE" >/dev/null
    it pull --name myalpine "$ALPINE" >/dev/null
    it pull --name registry.example:5000/team/app:v2 "$HELLO" >/dev/null
    names=$(jq -r '.manifests[].annotations["org.opencontainers.image.ref.name"]' "$S/index.json" | sort)
    [ "$names" = "$(printf '%s\n' docker.io/library/alpine:3.10 docker.io/library/myalpine:latest \
                    registry.example:5000/team/app:v2)" ]
    # short and long forms both resolve
    [ "$(it inspect myalpine | jq -r .name)" = docker.io/library/myalpine:latest ]
    [ "$(it inspect docker.io/library/alpine:3.10 | jq -r .digest)" = "$(it inspect myalpine | jq -r .digest)" ]
}

@test "pulling again is idempotent: same digest, one entry, nothing copied twice" {
    d1=$(it pull -q "$ALPINE")
    before=$(stat -c %i "$S/blobs/sha256/${d1#sha256:}")
    d2=$(it pull -q "$ALPINE")
    [ "$d1" = "$d2" ]
    [ "$(jq '.manifests | length' "$S/index.json")" = 1 ]
    [ "$(stat -c %i "$S/blobs/sha256/${d1#sha256:}")" = "$before" ]
    [ "$(ls "$S/blobs/sha256" | wc -l)" = 3 ]
}

@test "importing an image the store has under the same name writes nothing: no index.json rewrite, no temp blob, no sync" {
    command -v strace >/dev/null || skip "strace is not installed"
    it pull -q "$HELLO" >/dev/null
    local index_inode
    index_inode=$(stat -c %i "$S/index.json")
    ASAN_OPTIONS="${SANITIZE:+detect_leaks=0}" strace -f -qq -e trace=openat,rename,fsync,fdatasync,syncfs \
        -o "$BATS_TEST_TMPDIR/trace" "$IMAGETOOL" --store "$S" pull -q "$HELLO" >/dev/null
    [ "$(stat -c %i "$S/index.json")" = "$index_inode" ] || fail "index.json was rewritten"
    ! grep -qE 'fsync\(|syncfs\(|rename\(|/tmp/blob-' "$BATS_TEST_TMPDIR/trace" || fail "$(grep -E 'sync|rename|blob-' "$BATS_TEST_TMPDIR/trace")"
    # another name for it is a change, written as before
    it pull -q --name other "$HELLO" >/dev/null
    [ "$(stat -c %i "$S/index.json")" != "$index_inode" ]
    [ "$(jq '.manifests | length' "$S/index.json")" = 2 ]
}

@test "two concurrent pulls of the same image both succeed and store it once" {
    for i in 1 2 3; do
        it pull "$ALPINE" >"$BATS_TEST_TMPDIR/out$i" 2>&1 &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    [ "$(cut -d' ' -f3 "$BATS_TEST_TMPDIR"/out* | sort -u | wc -l)" = 1 ]
    grep -h '^imported docker.io/library/alpine:3.10 ' "$BATS_TEST_TMPDIR"/out*
    [ "$(jq '.manifests | length' "$S/index.json")" = 1 ]
    [ "$(ls "$S/blobs/sha256" | wc -l)" = 3 ]
    [ -z "$(ls -A "$S/tmp")" ]
}

@test "concurrent pulls of different images all land in index.json" {
    it pull "$ALPINE" >/dev/null &
    a=$!
    it pull "$HELLO" >/dev/null &
    b=$!
    it pull "docker-archive:$R/dive-docker-save-14layers/test-docker-image.tar" >/dev/null &
    c=$!
    it pull "oci-archive:$R/dive-oci-compression/test-oci-zstd-image.tar" >/dev/null &
    d=$!
    wait $a && wait $b && wait $c && wait $d
    [ "$(jq '.manifests | length' "$S/index.json")" = 4 ]
}

@test "pulls and gc racing on a fresh store: every name keeps all its blobs" {
    local pids=() src
    for src in "docker-archive:$R/gcr-docker-archives/whiteout_image.tar" \
               "docker-archive:$R/gcr-docker-archives/overwritten_file.tar" "$HELLO" \
               "oci-archive:$R/dive-oci-compression/test-oci-gzip-image.tar" \
               "dir:$R/skopeo-dir-schema2/uncompressed-image-s2"; do
        it pull -q "$src" >/dev/null &
        pids+=($!)
        # gc before the first pull made the store: "does not exist" (4)
        (it gc >/dev/null 2>&1 || [ $? -eq 4 ]) &
        pids+=($!)
    done
    for p in "${pids[@]}"; do wait "$p"; done
    [ "$(jq '.manifests | length' "$S/index.json")" = 5 ]
    for d in $(it images --format json | jq -r '.[].digest'); do
        for b in $(it inspect "$d" | jq -r '.manifest.config.digest, .manifest.layers[].digest'); do
            [ -f "$S/blobs/sha256/${b#sha256:}" ] || fail "$d: blob $b missing"
        done
    done
}

@test "rm removes a name; gc then drops the blobs nobody uses, keeps the rest" {
    it pull "$ALPINE" >/dev/null
    it pull "$HELLO" >/dev/null
    hello_blobs=$(it inspect "$HELLO" | jq -r '.digest, .manifest.config.digest, .manifest.layers[].digest' | sort)
    run it rm alpine:3.10
    [ "$status" -eq 0 ]
    [ "$output" = "removed docker.io/library/alpine:3.10" ]
    [ "$(ls "$S/blobs/sha256" | wc -l)" = 6 ]
    run it gc
    [ "$status" -eq 0 ]
    [[ "$output" == "removed 3 blobs, "* ]]
    [ "$(ls "$S/blobs/sha256" | sed 's/^/sha256:/' | sort)" = "$hello_blobs" ]
    run it rm alpine:3.10
    [ "$status" -eq 4 ]
    [[ "$output" == *"no image 'alpine:3.10'"* ]]
}

@test "rm by digest removes every name of that image" {
    d=$(it pull -q "$ALPINE")
    it pull --name other "$ALPINE" >/dev/null
    run it rm "${d:7:12}"
    [ "$status" -eq 0 ]
    [ "$(jq '.manifests | length' "$S/index.json")" = 0 ]
}

@test "gc drops stale temp files and cached layers of removed images, keeps used ones" {
    it pull "$HELLO" >/dev/null
    it pull "$ALPINE" >/dev/null
    keep=$(it inspect "$HELLO" | jq -r '.config.rootfs.diff_ids[0]' | cut -d: -f2)
    gone=$(it inspect alpine:3.10 | jq -r '.config.rootfs.diff_ids[0]' | cut -d: -f2)
    mkdir -p "$S/layers/$keep/etc" "$S/layers/$gone/etc"
    echo left >"$S/tmp/blob-stale1"
    mkdir "$S/tmp/layer-stale2"
    it rm alpine:3.10 >/dev/null
    run it gc
    [ "$status" -eq 0 ]
    [ -d "$S/layers/$keep" ]
    [ ! -e "$S/layers/$gone" ]
    [ -z "$(ls -A "$S/tmp")" ]
}

@test "gc waits for a running import (the store lock) instead of racing it" {
    it pull "$HELLO" >/dev/null
    # hold the shared lock as an importer would, then start gc
    exec 9>"$S/lock"
    flock -s 9
    it gc >"$BATS_TEST_TMPDIR/gc.out" &
    gc=$!
    sleep 0.5
    kill -0 $gc # still waiting
    [ ! -s "$BATS_TEST_TMPDIR/gc.out" ]
    flock -u 9
    exec 9>&-
    wait $gc
    grep -q '^removed 0 blobs' "$BATS_TEST_TMPDIR/gc.out"
}

@test "a killed import leaves no blob under a real name, and gc clears its temp file" {
    mkdir -p "$BATS_TEST_TMPDIR/l/abc"
    head -c 8M /dev/zero >"$BATS_TEST_TMPDIR/l/abc/layer.tar"
    tar -C "$BATS_TEST_TMPDIR/l" -cf "$BATS_TEST_TMPDIR/big.tar" abc
    # the archive arrives through a fifo that stalls half way: the import is
    # killed while a layer is streaming in
    mkfifo "$BATS_TEST_TMPDIR/fifo"
    (head -c 4M "$BATS_TEST_TMPDIR/big.tar"; exec sleep 20) >"$BATS_TEST_TMPDIR/fifo" &
    writer=$!
    it pull "docker-archive:$BATS_TEST_TMPDIR/fifo" >/dev/null 2>&1 &
    pid=$!
    for _ in $(seq 100); do
        ls "$S"/tmp/blob-* >/dev/null 2>&1 && break
        sleep 0.1
    done
    ls "$S"/tmp/blob-*
    kill -9 $pid
    wait $pid || true
    kill $writer || true
    wait $writer || true
    [ -z "$(ls -A "$S/blobs/sha256")" ]
    [ "$(jq '.manifests | length' "$S/index.json")" = 0 ]
    run it gc
    [ "$status" -eq 0 ]
    [ -z "$(ls -A "$S/tmp")" ]
}

@test "oci: blobs on the store's file system enter by hard link after verification; others' or damaged ones do not" {
    local img="$BATS_TEST_TMPDIR/img" layer hex
    "$PROJECT_ROOT/tests/lib/make-demo-image.sh" "$img" demo >/dev/null
    layer=$(ls -S "$img/blobs/sha256" | head -1)
    cp -r "$img" "$BATS_TEST_TMPDIR/orig"
    it pull "oci:$img:demo"
    # the largest blob (the layer) is the same inode, not a copy
    [ "$(stat -c %i "$img/blobs/sha256/$layer")" = "$(stat -c %i "$S/blobs/sha256/$layer")" ]
    [ "$(stat -c %h "$S/blobs/sha256/$layer")" = 2 ]
    # a file others may write is copied
    S="$BATS_TEST_TMPDIR/s2"
    chmod g+w "$img/blobs/sha256/$layer"
    it pull "oci:$img:demo"
    [ "$(stat -c %i "$img/blobs/sha256/$layer")" != "$(stat -c %i "$S/blobs/sha256/$layer")" ]
    # a damaged blob is refused and nothing gets its name
    S="$BATS_TEST_TMPDIR/s3"
    chmod g-w "$img/blobs/sha256/$layer"
    printf 'X' | dd of="$img/blobs/sha256/$layer" bs=1 seek=100 conv=notrunc 2>/dev/null
    run it pull "oci:$img:demo"
    [ "$status" -eq 3 ] || fail "$status $output"
    [[ "$output" == *"digest mismatch"* ]] || fail "$output"
    [ ! -e "$S/blobs/sha256/$layer" ]
}

@test "an import makes its blobs durable in one batch: one syncfs, no fsync per blob, and every blob named after it" {
    command -v strace >/dev/null || skip "strace is not installed"
    # LeakSanitizer cannot run under ptrace: the sanitizer build goes without it here
    ASAN_OPTIONS="${SANITIZE:+detect_leaks=0}" strace -f -qq -e trace=fsync,fdatasync,syncfs -o "$BATS_TEST_TMPDIR/trace" \
        "$IMAGETOOL" --store "$S" pull "$ALPINE" >/dev/null
    [ "$(grep -c 'syncfs(' "$BATS_TEST_TMPDIR/trace")" = 1 ] || fail "$(cat "$BATS_TEST_TMPDIR/trace")"
    ! grep -q 'fdatasync(' "$BATS_TEST_TMPDIR/trace" || fail "$(cat "$BATS_TEST_TMPDIR/trace")"
    [ -z "$(ls -A "$S/tmp")" ]
    local d
    for d in $(jq -r '.manifests[].digest' "$S/index.json"); do
        [ -f "$S/blobs/sha256/${d#sha256:}" ]
    done
    [ "$(ls "$S/blobs/sha256" | wc -l)" -ge 3 ]
}
