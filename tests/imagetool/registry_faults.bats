#!/usr/bin/env bats
# A fault-injecting proxy between imagetool and a real registry: 500s,
# connections reset mid-blob, truncated bodies, a wrong digest, redirect
# loops. Each ends in a successful retry or one clear error, and the store
# never holds a partial blob.

load ../lib/helpers
load ../lib/registry/registry

setup_file() {
    export REG_PIDS_FILE="$BATS_FILE_TMPDIR/pids"
    local src="$BATS_FILE_TMPDIR/src"
    mkdir -p "$src/l1/bin" "$src/l2/etc"
    cp "$BUSYBOX" "$src/l1/bin/busybox"
    echo "second layer" >"$src/l2/etc/motd"
    export IMG_DIGEST
    IMG_DIGEST=$(oci_image_build "$BATS_FILE_TMPDIR/img" latest "$src/l1" "$src/l2")
    registry_start REG "$BATS_FILE_TMPDIR/storage"
    reg_push "$BATS_FILE_TMPDIR/img:latest" "127.0.0.1:$REG_PORT/faults/bb:latest"
    export BIG_LAYER
    BIG_LAYER=$(jq -r '.layers[0].digest' "$BATS_FILE_TMPDIR/img/blobs/sha256/${IMG_DIGEST#sha256:}")
}

teardown_file() {
    reg_stop_all
}

setup() {
    STORE="$BATS_TEST_TMPDIR/store"
    LOG="$BATS_TEST_TMPDIR/proxy.log"
    REG_PIDS_FILE="$BATS_TEST_TMPDIR/pids"
    export IMAGETOOL_REGISTRY_RETRIES=4
}

teardown() {
    reg_stop_all
}

# proxy MODE [options]: start the fault proxy in front of the registry.
proxy() {
    fault_proxy_start PX "$REG_PORT" "$LOG" --mode "$@"
    SRC="docker://127.0.0.1:$PX_PORT/faults/bb:latest"
}

pulled_ok() {
    [ "$status" -eq 0 ] || fail "pull failed ($status): $output"
    [ -f "$STORE/blobs/sha256/${IMG_DIGEST#sha256:}" ]
    [ -f "$STORE/blobs/sha256/${BIG_LAYER#sha256:}" ]
    store_has_no_partial_blobs "$STORE"
}

nothing_named() {
    [ ! -f "$STORE/index.json" ] || [ "$(jq '.manifests | length' "$STORE/index.json")" -eq 0 ]
    [ ! -f "$STORE/blobs/sha256/${IMG_DIGEST#sha256:}" ]
}

@test "faults: 500s are retried and the pull succeeds" {
    proxy 500 --count 2
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    pulled_ok
    [[ $output == *"retrying (HTTP 500)"* ]]
    [ "$(grep -c ' GET /v2/faults/bb/blobs/' "$LOG")" -eq 5 ]
}

@test "faults: 500s that do not stop end in one clear error and no partial blob" {
    proxy 500
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    [ "$status" -eq 6 ]
    [[ $output == *"giving up after 4 tries: HTTP 500"* ]]
    store_has_no_partial_blobs "$STORE"
    nothing_named
}

@test "faults: a connection reset mid-blob resumes with a Range request" {
    proxy reset --count 1 --only "$BIG_LAYER"
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    pulled_ok
    [[ $output == *"retrying ("*"reset"* ]]
    grep -q "range=bytes=[1-9][0-9]*-" "$LOG" || fail "no Range request: $(cat "$LOG")"
}

@test "faults: a truncated body (no Content-Length) resumes and the digest still matches" {
    proxy truncate --count 3 --only "$BIG_LAYER"
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    pulled_ok
    [[ $output == *"body ended after"* ]]
    [ "$(grep -c "${BIG_LAYER} .*range=bytes=[1-9]" "$LOG")" -eq 3 ]
}

@test "faults: resets that do not stop end in a clear error and leave nothing" {
    proxy reset
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    [ "$status" -eq 6 ]
    [[ $output == *"giving up after 4 tries"* ]]
    store_has_no_partial_blobs "$STORE"
    nothing_named
}

@test "faults: a blob with the wrong digest is fatal and leaves nothing of it" {
    proxy wrong-digest
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    [ "$status" -eq 3 ]
    [[ $output == *"digest mismatch"* ]] || [[ $output == *"has digest"* ]]
    store_has_no_partial_blobs "$STORE"
    [ ! -f "$STORE/blobs/sha256/${BIG_LAYER#sha256:}" ]
    nothing_named
    # no retries for a mismatch: one request per blob
    [ "$(grep -c ' GET /v2/faults/bb/blobs/' "$LOG")" -le 3 ]
}

@test "faults: a redirect loop is stopped with a clear error" {
    proxy redirect-loop
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    [ "$status" -eq 6 ]
    [[ $output == *"more than 10 redirects"* ]]
    store_has_no_partial_blobs "$STORE"
    nothing_named
}

@test "faults: after the faults a normal pull of the same store works" {
    proxy reset
    run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    [ "$status" -ne 0 ]
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$REG_PORT/faults/bb:latest"
    pulled_ok
}

@test "faults: a server that ignores Range sends the whole blob again and the pull still verifies" {
    proxy reset --count 1 --only "$BIG_LAYER" --ignore-range
    run "$IMAGETOOL" --debug --store "$STORE" pull "$SRC"
    pulled_ok
    [[ $output == *"ignored the Range request"* ]]
    grep -q "${BIG_LAYER} .*range=bytes=[1-9]" "$LOG"
}

@test "faults: a stalled transfer times out and resumes" {
    proxy stall --count 1 --only "$BIG_LAYER" --stall 8
    IMAGETOOL_REGISTRY_STALL_TIMEOUT=1 run "$IMAGETOOL" --store "$STORE" pull "$SRC"
    pulled_ok
    [[ $output == *"retrying (no data for 1 s)"* ]] || fail "no timeout retry: $output"
    grep -q "${BIG_LAYER} .*range=bytes=[1-9]" "$LOG"
}

@test "faults: a pull killed mid-blob leaves no blob under a real name, and the next pull completes" {
    proxy stall --only "$BIG_LAYER" --stall 30
    "$IMAGETOOL" --store "$STORE" pull "$SRC" >"$BATS_TEST_TMPDIR/out" 2>&1 &
    local pid=$! i
    for i in $(seq 1 100); do
        grep -q "${BIG_LAYER}" "$LOG" 2>/dev/null && break
        sleep 0.1
    done
    sleep 0.5 # half the layer is in the temp file now
    kill -9 "$pid"
    wait "$pid" || true
    store_has_no_partial_blobs "$STORE"
    [ ! -f "$STORE/blobs/sha256/${BIG_LAYER#sha256:}" ]
    nothing_named
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$REG_PORT/faults/bb:latest"
    pulled_ok
}

# finished_image_in DIR: DIR holds a squashfs image that its writer finished
# (the superblock's bytes_used, 8 bytes at offset 40, is written last).
finished_image_in() {
    local f used
    for f in "$1"/image-*; do
        [ -f "$f" ] && [ "$(head -c 4 "$f")" = hsqs ] || continue
        used=$(od -An -t u8 -j 40 -N 8 "$f" | tr -d ' ')
        [ -n "$used" ] && [ "$used" -gt 0 ] && [ "$used" -le "$(stat -c %s "$f")" ] && return 0
    done
    return 1
}

@test "pipeline: unpack makes the bottom layer's squashfs image while the top layer still downloads" {
    [ "$(id -u)" = 0 ] || skip "the squashfs backend needs root"
    local manifest="$BATS_FILE_TMPDIR/img/blobs/sha256/${IMG_DIGEST#sha256:}" release="$BATS_TEST_TMPDIR/release"
    local top config diff1 bundle="$BATS_TEST_TMPDIR/bundle"
    top=$(jq -r '.layers[1].digest' "$manifest")
    config=$(jq -r '.config.digest' "$manifest")
    diff1=$(jq -r '.rootfs.diff_ids[0]' "$BATS_FILE_TMPDIR/img/blobs/sha256/${config#sha256:}")
    proxy hold --only "$top" --hold-file "$release" --stall 60
    "$IMAGETOOL" --store "$STORE" unpack --backend squashfs "$SRC" "$bundle" >"$BATS_TEST_TMPDIR/out" 2>&1 &
    local pid=$!
    # the bottom layer's image finished while the top blob is held: it stays
    # under its temp name until the walk's one sync (specs/store.md)
    if ! wait_until 300 finished_image_in "$STORE/tmp"; then
        touch "$release"
        wait "$pid" || true
        fail "no layer image before the last blob came: $(ls "$STORE/tmp" 2>&1) $(cat "$BATS_TEST_TMPDIR/out")"
    fi
    [ ! -e "$STORE/blobs/sha256/${top#sha256:}" ] || fail "the top blob was not held"
    touch "$release"
    wait "$pid" || fail "unpack failed: $(cat "$BATS_TEST_TMPDIR/out")"
    # named by its chain id (the first diff_id) once the walk is done
    [ -f "$STORE/images/${diff1#sha256:}.squashfs" ]
    [ -z "$(ls -A "$STORE/tmp")" ]
    [ "$(cat "$bundle/rootfs/etc/motd")" = "second layer" ]
    [ -x "$bundle/rootfs/bin/busybox" ]
    "$IMAGETOOL" rm-bundle "$bundle"
    store_has_no_partial_blobs "$STORE"
}
