#!/usr/bin/env bats
# ps: the container's processes as a pid list (json) or ps(1)'s lines
# (table), with runc 1.1 as the oracle for both shapes.

load lib_core

setup() { core_setup; }
teardown() {
    core_teardown
    [ -z "${RUNC_ROOT:-}" ] || runc --root "$RUNC_ROOT" delete --force "${ID}r" >/dev/null 2>&1 || true
}

# A container of three processes: sh and two sleeps.
three_processes() {
    bundle sh -c 'sleep 101 & sleep 102 & wait'
    rt run -d --bundle "$BUNDLE" "$ID"
    for _ in $(seq 50); do
        [ "$(rt ps --format json "$ID" | jq length)" = 3 ] && return 0
        sleep 0.1
    done
    fail "the container never had 3 processes"
}

@test "ps --format json: the pids of every process of the container" {
    three_processes
    run rt ps --format json "$ID"
    [ "$status" -eq 0 ]
    init=$(pid_of "$ID")
    echo "$output" | jq -e --argjson init "$init" 'type == "array" and length == 3 and (map(type) | unique) == ["number"] and index($init) != null'
    # The two sleeps are the init's children.
    for p in $(echo "$output" | jq '.[]'); do
        [ "$p" = "$init" ] || [ "$(awk '{print $4}' /proc/$p/stat)" = "$init" ]
    done
    # -f is --format.
    [ "$(rt ps -f json "$ID")" = "$output" ]
}

@test "ps: table is ps -ef's header and the container's lines only" {
    three_processes
    run rt ps "$ID"
    [ "$status" -eq 0 ]
    [ "$(sed -n 1p <<<"$output")" = "$(ps -ef | head -n1)" ]
    [ "$(wc -l <<<"$output")" = 4 ]
    grep -q ' sleep 101$' <<<"$output"
    grep -q ' sleep 102$' <<<"$output"
    grep -q ' sh -c sleep 101' <<<"$output"
    # Nothing of the host's.
    run ! grep -q ' bats' <<<"$output"
}

@test "ps: words after the id go to ps(1)" {
    three_processes
    run rt ps "$ID" -o pid,args
    [ "$status" -eq 0 ]
    [ "$(sed -n 1p <<<"$output" | tr -s ' ')" = " PID COMMAND" ]
    [ "$(sed 1d <<<"$output" | awk '{print $1}' | sort -n | tr '\n' ' ')" = "$(rt ps -f json "$ID" | jq '.[]' | sort -n | tr '\n' ' ')" ]
}

@test "ps: runc prints the same shapes for the same bundle" {
    command -v runc >/dev/null || skip "runc is not installed"
    RUNC_ROOT="$BATS_TEST_TMPDIR/runc"
    three_processes
    (cd "$BUNDLE" && runc --root "$RUNC_ROOT" run -d "${ID}r" </dev/null >/dev/null 2>&1)
    sleep 0.5
    theirs=$(runc --root "$RUNC_ROOT" ps --format json "${ID}r")
    ours=$(rt ps --format json "$ID")
    [ "$(jq -c 'map(type)' <<<"$theirs")" = "$(jq -c 'map(type)' <<<"$ours")" ]
    [ "$(jq length <<<"$theirs")" = 3 ]
    [ "$(runc --root "$RUNC_ROOT" ps "${ID}r" | sed 1d | awk '{print $NF, $(NF-1)}' | sort)" = \
      "$(rt ps "$ID" | sed 1d | awk '{print $NF, $(NF-1)}' | sort)" ]
    [ "$(runc --root "$RUNC_ROOT" ps "${ID}r" -o pid,args | head -n1)" = "$(rt ps "$ID" -o pid,args | head -n1)" ]
}

@test "ps: errors are one line: no PID column, ps refusing its options, bad format, missing container" {
    three_processes
    run rt ps "$ID" -o comm
    [ "$status" -eq 1 ]
    [ "$output" = "runtime: ps: couldn't find a PID column in ps's output (header: COMMAND)" ]
    run rt ps "$ID" --no-such-ps-option
    [ "$status" -eq 1 ]
    [ "$(wc -l <<<"$output")" = 1 ]
    [[ "$output" == "runtime: ps failed (status 1): "* ]]
    run rt ps --format xml "$ID"
    [ "$status" -eq 2 ]
    [[ "$output" == *"--format: expected table or json, got 'xml'"* ]]
    run rt ps nosuch
    [ "$status" -eq 4 ]
    [ "$output" = "runtime: container nosuch does not exist" ]
}

@test "ps: a stopped container has no processes" {
    bundle true
    rt run -d --bundle "$BUNDLE" "$ID"
    wait_status "$ID" stopped
    run rt ps --format json "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = "[]" ]
}
