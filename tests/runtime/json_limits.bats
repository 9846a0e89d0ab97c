#!/usr/bin/env bats
# JSON limits (common/json_limits.c): config.json nested deeper than 512
# levels or larger than 16 MiB is refused with exit 3 before yajl parses it
# (yajl recursed once per level and crashed at ~1e6; a 200 MB file took
# 605 MB). Nothing is left behind.

load ../lib/helpers

@test "json limits: config.json nested a million levels deep is exit 3, one line, nothing left" {
    local b="$BATS_TEST_TMPDIR/b" root="$BATS_TEST_TMPDIR/state" id
    make_bundle "$b" true
    id=$(unique_id)
    python3 - "$b/config.json" <<'PY'
import json, sys
p = sys.argv[1]
text = open(p).read().rstrip()
assert text.endswith("}")
open(p, "w").write(text[:-1] + ', "deep": ' + "[" * 1000000 + "]" * 1000000 + "}")
PY
    run "$RUNTIME" --root "$root" create -b "$b" "$id"
    [ "$status" -eq 3 ] || fail "status $status: ${output:0:300}"
    [ "${#lines[@]}" -eq 1 ] || fail "not one line: ${output:0:300}"
    [[ "$output" == *"config.json: JSON nested deeper than 512 levels"* ]] || fail "$output"
    [ ! -e "$root/$id" ]
}

@test "json limits: config.json larger than 16 MiB is exit 3 without being read" {
    local b="$BATS_TEST_TMPDIR/b" root="$BATS_TEST_TMPDIR/state" id
    make_bundle "$b" true
    id=$(unique_id)
    # a sparse tail: refused from its size, so this costs no memory
    truncate -s $((16 * 1024 * 1024 + 1)) "$b/config.json"
    run "$RUNTIME" --root "$root" create -b "$b" "$id"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [[ "$output" == *"config.json: JSON document larger than 16777216 bytes (16 MiB)"* ]] || fail "$output"
    [ ! -e "$root/$id" ]
}
