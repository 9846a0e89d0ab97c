#!/usr/bin/env bats
# Limits on layer content (specs/layers.md, "Limits"): the decompressed
# size (IMAGETOOL_MAX_LAYER_SIZE, default 64 GiB), path depth (the open-file
# limit) and name components (255 bytes): each one line, exit 3.

load ../lib/helpers
load unpack_helpers
load security_helpers

# tar_of OUT NAME...: a pax tar with one 1-byte file per NAME.
tar_of() {
    python3 - "$@" <<'PY'
import io, sys, tarfile
out, names = sys.argv[1], sys.argv[2:]
with tarfile.open(out, "w", format=tarfile.PAX_FORMAT) as t:
    for n in names:
        i = tarfile.TarInfo(n); i.size = 1; t.addfile(i, io.BytesIO(b"x"))
PY
}

@test "limits: a layer decompressing past IMAGETOOL_MAX_LAYER_SIZE is exit 3 with a clear line" {
    local dir="$BATS_TEST_TMPDIR/l" t="$BATS_TEST_TMPDIR/t" b="$BATS_TEST_TMPDIR/b"
    mkdir -p "$dir" "$t"
    head -c $((3 * 1024 * 1024)) /dev/zero >"$dir/zeros"
    tar -C "$dir" -czf "$BATS_TEST_TMPDIR/l.tar.gz" zeros
    [ "$(stat -c %s "$BATS_TEST_TMPDIR/l.tar.gz")" -lt 100000 ]
    run env IMAGETOOL_MAX_LAYER_SIZE=1m "$IMAGETOOL" apply-layer "$BATS_TEST_TMPDIR/l.tar.gz" "$t"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
    [[ "$output" == *"decompressed layer larger than 1048576 bytes (IMAGETOOL_MAX_LAYER_SIZE)" ]] || fail "$output"
    # within the limit it applies; a bad value is a usage error
    IMAGETOOL_MAX_LAYER_SIZE=4M "$IMAGETOOL" apply-layer "$BATS_TEST_TMPDIR/l.tar.gz" "$BATS_TEST_TMPDIR/t2"
    [ "$(stat -c %s "$BATS_TEST_TMPDIR/t2/zeros")" -eq $((3 * 1024 * 1024)) ]
    run env IMAGETOOL_MAX_LAYER_SIZE=lots "$IMAGETOOL" apply-layer "$BATS_TEST_TMPDIR/l.tar.gz" "$t"
    [ "$status" -eq 2 ] && [[ "$output" == *'IMAGETOOL_MAX_LAYER_SIZE: "lots" is not a size'* ]] || fail "$status $output"
    # and through unpack, leaving no bundle
    tar -C "$dir" -cf "$BATS_TEST_TMPDIR/l.tar" zeros
    run env IMAGETOOL_MAX_LAYER_SIZE=1m "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q \
        "$(demo_plus_layer "$BATS_TEST_TMPDIR/l.tar")" "$b"
    [ "$status" -eq 3 ] && [[ "$output" == *"IMAGETOOL_MAX_LAYER_SIZE"* ]] || fail "$status $output"
    [ ! -e "$b" ]
}

@test "limits: a path deeper than the open-file limit is exit 3 with a short message" {
    local name="" i t="$BATS_TEST_TMPDIR/t"
    for ((i = 0; i < 3000; i++)); do name+="a/"; done
    tar_of "$BATS_TEST_TMPDIR/deep.tar" "${name}f"
    mkdir -p "$t"
    run bash -c 'ulimit -n 256 && exec "$0" apply-layer "$1" "$2"' "$IMAGETOOL" "$BATS_TEST_TMPDIR/deep.tar" "$t"
    [ "$status" -eq 3 ] || fail "status $status: ${output:0:300}"
    [ "${#lines[@]}" -eq 1 ] && [ "${#output}" -lt 400 ] || fail "${#output} bytes: ${output:0:400}"
    [[ "$output" == *"3001 levels deep (more than 192, from the open-file limit)" ]] || fail "$output"
}

@test "limits: a 300-byte name component is exit 3" {
    local long t="$BATS_TEST_TMPDIR/t" b="$BATS_TEST_TMPDIR/b"
    long=$(printf 'n%.0s' {1..300})
    tar_of "$BATS_TEST_TMPDIR/long.tar" "d/$long"
    mkdir -p "$t"
    run "$IMAGETOOL" apply-layer "$BATS_TEST_TMPDIR/long.tar" "$t"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [[ "$output" == *"a name component of 300 bytes (more than 255)" ]] || fail "$output"
    [ "${#output}" -lt 400 ]
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q "$(demo_plus_layer "$BATS_TEST_TMPDIR/long.tar")" "$b"
    [ "$status" -eq 3 ] || fail "unpack: $status $output"
    [ ! -e "$b" ]
}
