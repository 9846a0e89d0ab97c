#!/usr/bin/env bats
# The files the runtime writes (pid files, state.json) and reads back
# (list, state, delete on half-made state directories).

load lib_core

setup() {
    core_setup
    bundle sleep 100
}
teardown() { core_teardown; }

# plant_tmp_links FILE TARGET: a symlink to TARGET at FILE.tmp-<pid> for the
# next 3000 pids, the temporary name a writer using its pid would pick (one
# perl process, so that planting does not use up the pids it plants).
plant_tmp_links() {
    perl -e 'open(my $f, "<", "/proc/sys/kernel/ns_last_pid") or die; my $l = <$f>;
             for my $i ($l + 1 .. $l + 3000) { symlink($ARGV[1], "$ARGV[0].tmp-$i") or die "$!" }' "$1" "$2"
}

@test "--pid-file: a symlink planted at a temporary name is never followed" {
    local dir="$BATS_TEST_TMPDIR/pids"
    mkdir "$dir"
    echo precious >"$BATS_TEST_TMPDIR/victim"
    plant_tmp_links "$dir/pid" "$BATS_TEST_TMPDIR/victim"
    rt run -d --pid-file "$dir/pid" --bundle "$BUNDLE" "$ID"
    [ "$(cat "$BATS_TEST_TMPDIR/victim")" = precious ] || fail "victim overwritten: $(cat "$BATS_TEST_TMPDIR/victim")"
    [ "$(cat "$dir/pid")" = "$(pid_of "$ID")" ]
    [ ! -L "$dir/pid" ]
    # the writer's own temporary file is gone, the planted links untouched
    [ "$(find "$dir" -name 'pid.tmp-*' ! -type l | wc -l)" -eq 0 ]
    [ "$(find "$dir" -name 'pid.tmp-*' -type l | wc -l)" -eq 3000 ]
}

@test "--pid-file that is itself a symlink: the link is replaced, its target untouched" {
    echo precious >"$BATS_TEST_TMPDIR/victim"
    ln -s "$BATS_TEST_TMPDIR/victim" "$BATS_TEST_TMPDIR/pid"
    rt run -d --pid-file "$BATS_TEST_TMPDIR/pid" --bundle "$BUNDLE" "$ID"
    [ "$(cat "$BATS_TEST_TMPDIR/victim")" = precious ]
    [ ! -L "$BATS_TEST_TMPDIR/pid" ]
    [ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(pid_of "$ID")" ]
}

@test "state.json: written by the same writer: 0600, complete JSON, no temporary left" {
    rt run -d --bundle "$BUNDLE" "$ID"
    local sj="$ROOT/$ID/state.json"
    [ -f "$sj" ] && [ ! -L "$sj" ]
    [ "$(stat -c %a "$sj")" = 600 ]
    [ -z "$(find "$ROOT/$ID" -name '*.tmp-*')" ]
    [ "$(jq -r .pid "$sj")" = "$(pid_of "$ID")" ]
}

# half_made: three broken state directories beside a live container $ID:
# h-none (no state.json: a create killed early), h-empty, h-trunc.
half_made() {
    rt run -d --bundle "$BUNDLE" "$ID"
    mkdir -p "$ROOT/h-none" "$ROOT/h-empty" "$ROOT/h-trunc"
    : >"$ROOT/h-empty/state.json"
    head -c 40 "$ROOT/$ID/state.json" >"$ROOT/h-trunc/state.json"
}

@test "list with half-made state directories: no crash, the live container listed" {
    half_made
    run rt list
    [ "$status" -eq 0 ] || fail "status $status: $output"
    [[ $output == *"$ID"*running* ]]
    [[ $output != *h-* ]]
    run rt list --format json
    [ "$status" -eq 0 ]
    [ "$(jq -r '.[].id' <<<"$output")" = "$ID" ]
    run rt list -q
    [ "$output" = "$ID" ]
}

@test "state of half-made directories: one line each, exit 4 without state.json, 3 when unreadable" {
    half_made
    run rt state h-none
    [ "$status" -eq 4 ] && [ "${#lines[@]}" -eq 1 ] || fail "h-none: $status: $output"
    [[ $output == *"container h-none does not exist"* ]]
    local h
    for h in h-empty h-trunc; do
        run rt state "$h"
        [ "$status" -eq 3 ] && [ "${#lines[@]}" -eq 1 ] || fail "$h: $status: $output"
        [[ $output == *"$ROOT/$h/state.json"* ]] || fail "$output"
    done
}

@test "delete of half-made directories: no state.json goes, unreadable needs --force" {
    half_made
    run rt delete h-none
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$ROOT/h-none" ]
    run rt delete h-empty
    [ "$status" -eq 3 ] && [ "${#lines[@]}" -eq 1 ] || fail "$status: $output"
    [ -d "$ROOT/h-empty" ]
    run rt delete --force h-empty
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$ROOT/h-empty" ]
    run rt delete --force h-trunc
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$ROOT/h-trunc" ]
    [ "$(status_of "$ID")" = running ]
}
