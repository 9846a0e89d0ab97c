#!/usr/bin/env bats
# Unpack progress (specs/imagetool-cli.md, "Progress"): with stderr on a
# terminal, one line per layer ("Unpacking layer N of M", bytes read of the
# blob, then "Unpacked layer N of M (SIZE)") for every local source; nothing
# when stderr is a pipe or a file, nor with -q. The terminal is a real pty
# made by script(1) from util-linux.

load ../lib/helpers
load unpack_helpers
load ../lib/aci

setup() {
    S="$BATS_TEST_TMPDIR/store"
}

# The host's architecture in OCI's words.
go_arch() {
    case $(uname -m) in
    x86_64) echo amd64 ;; aarch64) echo arm64 ;; *) uname -m ;;
    esac
}

# on_tty ARGS...: imagetool --store S ARGS with stdin, stdout and stderr on a
# new pty; sets output (the pty's bytes) and status. printf %q keeps every
# argument one word for script's shell.
on_tty() {
    local cmd
    cmd=$(printf '%q ' "$IMAGETOOL" --store "$S" "$@")
    run script -qec "$cmd" /dev/null
}

# layer_lines: the progress lines of $output, one a line (the pty's \r and
# the escape sequences that redraw them removed).
layer_lines() {
    printf '%s' "$output" | tr -d '\r' | sed 's/\x1b\[[0-9]*[AK]//g' | grep -E 'ayer [0-9]+ of [0-9]+' || true
}

# assert_progress M: each of layers 1..M was shown unpacking and done, with its size.
assert_progress() {
    local m=$1 lines n
    lines=$(layer_lines)
    for n in $(seq 1 "$m"); do
        grep -qE "^[0-9a-f]{12}: Unpacking layer $n of $m \[[ =>]*\] [0-9.]+k?M?B/[0-9.]+k?M?B" <<<"$lines" ||
            fail "no live line for layer $n of $m in: $lines"
        grep -qE "^[0-9a-f]{12}: Unpacked layer $n of $m \([0-9.]+k?M?B\)$" <<<"$lines" ||
            fail "no done line for layer $n of $m in: $lines"
    done
}

@test "progress: oci: on a terminal shows layer N of M and bytes; the bundle is made" {
    on_tty unpack "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ] || fail "$output"
    assert_progress 2
    [ -x "$BATS_TEST_TMPDIR/b/rootfs/bin/busybox" ]
    # the first layer is busybox (1.0MB in the blob): its done line says so
    layer_lines | grep -qE "Unpacked layer 1 of 2 \(1\.[0-9]MB\)"
}

@test "progress: nothing extra when stderr is a pipe or a file, or with -q on a terminal" {
    local ref="oci:$(demo_image):demo"
    run "$IMAGETOOL" --store "$S" unpack "$ref" "$BATS_TEST_TMPDIR/piped"
    [ "$status" -eq 0 ]
    [ "${#lines[@]}" -eq 1 ] || fail "expected the one info line, got: $output"
    [[ "$output" =~ "unpacked sha256:"[0-9a-f]{64}" into $BATS_TEST_TMPDIR/piped ("[a-z]+" backend)"$ ]] || fail "$output"

    # stdout on the pty, stderr to a file: still no progress in either
    local cmd
    cmd=$(printf '%q ' "$IMAGETOOL" --store "$S" unpack "$ref" "$BATS_TEST_TMPDIR/file")
    run script -qec "$cmd 2>$BATS_TEST_TMPDIR/err" /dev/null
    [ "$status" -eq 0 ]
    [ -z "$(layer_lines)" ] || fail "progress on stdout: $output"
    run ! grep -E 'ayer [0-9]+ of' "$BATS_TEST_TMPDIR/err"

    on_tty unpack -q "$ref" "$BATS_TEST_TMPDIR/quiet"
    [ "$status" -eq 0 ]
    [ -z "$output" ] || fail "-q printed: $output"
}

@test "progress: oci-archive:, docker-archive:, dir: and a store name each show every layer" {
    local src="$(demo_image)" d="$BATS_TEST_TMPDIR"
    skopeo copy -q "oci:$src:demo" "oci-archive:$d/o.tar:demo"
    skopeo copy -q "oci:$src:demo" "docker-archive:$d/d.tar:demo:latest"
    skopeo copy -q "oci:$src:demo" "dir:$d/dir"
    local ref n=0
    for ref in "oci-archive:$d/o.tar" "docker-archive:$d/d.tar" "dir:$d/dir"; do
        n=$((n + 1))
        # a store of its own: in a shared one the layer images of the
        # first source would be "Already exists" for the next
        S="$d/store$n"
        on_tty unpack "$ref" "$d/b$n"
        [ "$status" -eq 0 ] || fail "$ref: $output"
        assert_progress 2
    done
    # the store alone (no transport): by the digest the last import stored
    local digest
    digest=$("$IMAGETOOL" --store "$S" images -q | head -1)
    # copy: the default (layer images) would find the images made already
    on_tty unpack --backend copy "$digest" "$d/from-store"
    [ "$status" -eq 0 ] || fail "$output"
    assert_progress 2
}

@test "progress: aci: with a dependency shows the dependency's layer and the image's" {
    local d="$BATS_TEST_TMPDIR"
    busybox_aci "$d/base.aci" example.com/base
    files_aci "$d/app.aci" "$(aci_app_manifest example.com/app \
        '.dependencies = [{imageName: "example.com/base", labels: [{name: "version", value: "1.0"}]}]')" \
        etc/app=hello
    "$IMAGETOOL" --store "$S" pull -q "aci:$d/base.aci"
    on_tty unpack "aci:$d/app.aci" "$d/b"
    [ "$status" -eq 0 ] || fail "$output"
    assert_progress 2
    [ "$(cat "$d/b/rootfs/etc/app")" = hello ]
}

@test "progress: a large layer shows its size while it unpacks" {
    # one uncompressed 24 MiB layer of random bytes, built by hand
    local img="$BATS_TEST_TMPDIR/big" w="$BATS_TEST_TMPDIR/w"
    mkdir -p "$w/root" "$img/blobs/sha256"
    head -c $((24 << 20)) /dev/urandom >"$w/root/big"
    tar -C "$w/root" --owner=0 --group=0 -cf "$w/layer.tar" big
    local lhex lsize chex csize mhex msize
    lhex=$(sha256sum <"$w/layer.tar" | cut -d' ' -f1)
    lsize=$(stat -c %s "$w/layer.tar")
    mv "$w/layer.tar" "$img/blobs/sha256/$lhex"
    jq -n -c --arg d "sha256:$lhex" --arg arch "$(go_arch)" \
        '{architecture: $arch, os: "linux", config: {Cmd: ["/big"]}, rootfs: {type: "layers", diff_ids: [$d]}}' \
        >"$w/config"
    chex=$(sha256sum <"$w/config" | cut -d' ' -f1)
    csize=$(stat -c %s "$w/config")
    mv "$w/config" "$img/blobs/sha256/$chex"
    jq -n -c --arg c "sha256:$chex" --argjson cs "$csize" --arg l "sha256:$lhex" --argjson ls "$lsize" \
        '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs},
          layers: [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $l, size: $ls}]}' >"$w/manifest"
    mhex=$(sha256sum <"$w/manifest" | cut -d' ' -f1)
    msize=$(stat -c %s "$w/manifest")
    mv "$w/manifest" "$img/blobs/sha256/$mhex"
    echo '{"imageLayoutVersion": "1.0.0"}' >"$img/oci-layout"
    jq -n -c --arg m "sha256:$mhex" --argjson s "$msize" '{schemaVersion: 2, manifests: [{mediaType:
        "application/vnd.oci.image.manifest.v1+json", digest: $m, size: $s,
        annotations: {"org.opencontainers.image.ref.name": "big"}}]}' >"$img/index.json"

    on_tty unpack "oci:$img:big" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ] || fail "$output"
    assert_progress 1
    layer_lines | grep -qE "Unpacking layer 1 of 1 \[[ =>]*\] [0-9.]+k?M?B/25\.[0-9]MB" ||
        fail "no bytes of 25.xMB in: $(layer_lines)"
    layer_lines | grep -qE "Unpacked layer 1 of 1 \(25\.[0-9]MB\)"
}

@test "progress: overlay's second bundle says the cached layers already exist" {
    local ref="oci:$(demo_image):demo"
    on_tty unpack --backend overlay "$ref" "$BATS_TEST_TMPDIR/o1"
    [ "$status" -eq 0 ] || fail "$output"
    assert_progress 2
    on_tty unpack --backend overlay "$ref" "$BATS_TEST_TMPDIR/o2"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(printf '%s' "$output" | tr -d '\r' | sed 's/\x1b\[[0-9]*[AK]//g' | grep -c ': Already exists$')" -ge 2 ]
    [ -z "$(layer_lines)" ] || fail "cached layers unpacked again: $(layer_lines)"
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/o1" "$BATS_TEST_TMPDIR/o2"
}
