#!/usr/bin/env bats
# events: runc's JSON lines ({"type":"stats",...} with runc's stats object,
# {"type":"oom",...}); runc 1.1 is the oracle for the stats shape. OOM
# events from the v1 eventfd here and from v2 memory.events in a VM.

load lib_core
load ../lib/vm

setup() {
    core_setup
    [ -d /sys/fs/cgroup/memory ] || [ -f /sys/fs/cgroup/cgroup.controllers ] || skip "no memory cgroup"
}
teardown() {
    core_teardown
    [ -z "${RUNC_ROOT:-}" ] || runc --root "$RUNC_ROOT" delete --force "${ID}r" >/dev/null 2>&1 || true
}

# Every JSON path of a stats event, without the per-cpu arrays and the
# raw memory.stat keys (they vary with the kernel and the cpu count).
# (memory.cache is left out: runc omits it when 0, as we do, and page cache
# of two different containers is 0 in one and not the other by chance)
paths_of() {
    jq -c '[paths | map(tostring) | join(".")] | map(select(test("raw\\.|percpu|^data\\.memory\\.cache$") | not)) | sort'
}

@test "events --stats: one line in runc's shape, with this container's numbers" {
    bundle sh -c 'sleep 100 & sleep 100 & wait'
    config_edit "$BUNDLE" '.linux.resources.memory = {"limit": 134217728} | .linux.resources.pids = {"limit": 50}'
    rt run -d --bundle "$BUNDLE" "$ID"
    sleep 0.3
    run rt events --stats "$ID"
    [ "$status" -eq 0 ]
    [ "$(wc -l <<<"$output")" = 1 ]
    echo "$output" | jq -e --arg id "$ID" '.type == "stats" and .id == $id'
    [ "$(echo "$output" | jq -c '.data | keys')" = '["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]' ]
    [ "$(echo "$output" | jq .data.memory.usage.limit)" = 134217728 ]
    [ "$(echo "$output" | jq .data.pids.current)" = 3 ]
    [ "$(echo "$output" | jq .data.pids.limit)" = 50 ]
    echo "$output" | jq -e '.data.cpu.usage.total > 0 and .data.memory.usage.usage > 0 and (.data.memory.raw | length) > 5'
}

@test "events --stats: the same JSON paths as runc's for the same bundle" {
    command -v runc >/dev/null || skip "runc is not installed"
    RUNC_ROOT="$BATS_TEST_TMPDIR/runc"
    bundle sleep 100
    rt run -d --bundle "$BUNDLE" "$ID"
    (cd "$BUNDLE" && runc --root "$RUNC_ROOT" run -d "${ID}r" </dev/null >/dev/null 2>&1)
    sleep 0.3
    theirs=$(runc --root "$RUNC_ROOT" events --stats "${ID}r")
    ours=$(rt events --stats "$ID")
    [ "$(paths_of <<<"$ours")" = "$(paths_of <<<"$theirs")" ] || {
        diff <(paths_of <<<"$theirs" | jq '.[]') <(paths_of <<<"$ours" | jq '.[]')
        false
    }
    # Same raw memory.stat keys (the same kernel files).
    [ "$(jq -c '.data.memory.raw | keys' <<<"$ours")" = "$(jq -c '.data.memory.raw | keys' <<<"$theirs")" ]
}

@test "events: a stats line every --interval, ending when the container stops" {
    bundle sleep 1.2
    rt run -d --bundle "$BUNDLE" "$ID"
    run timeout 10 "$RUNTIME" --root "$ROOT" events --interval 200ms "$ID"
    [ "$status" -eq 0 ]
    n=$(grep -c '"type":"stats"' <<<"$output")
    [ "$n" -ge 3 ] && [ "$n" -le 8 ]
}

@test "events: an OOM kill in the container is an oom event (v1 eventfd)" {
    [ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy (the v2 test covers memory.events)"
    bundle sh -c 'sleep 1; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1'
    config_edit "$BUNDLE" '.linux.resources.memory = {"limit": 16777216, "swap": 16777216}'
    rt run -d --bundle "$BUNDLE" "$ID"
    run timeout 15 "$RUNTIME" --root "$ROOT" events --interval 5s "$ID"
    [ "$status" -eq 0 ]
    grep -qx "{\"type\":\"oom\",\"id\":\"$ID\"}" <<<"$output"
    [ "$(grep -c '"type":"oom"' <<<"$output")" = 1 ]
}

@test "events: errors: bad interval, missing and stopped containers" {
    bundle true
    run rt events --interval soon "$ID"
    [ "$status" -eq 2 ]
    [[ "$output" == "runtime: --interval: expected a positive duration (5s, 500ms, 1m), got 'soon'"* ]]
    run rt events --stats nosuch
    [ "$status" -eq 4 ]
    [ "$output" = "runtime: container nosuch does not exist" ]
    rt run -d --bundle "$BUNDLE" "$ID"
    wait_status "$ID" stopped
    run rt events --stats "$ID"
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: container $ID is not running" ]
}

@test "events v2: stats from the v2 files and an oom event from memory.events, in a v2-only VM" {
    require_vm
    bundle sh -c 'sleep 2; dd if=/dev/zero of=/dev/null bs=64M count=1; sleep 1'
    config_edit "$BUNDLE" '.linux.cgroupsPath = "/v2ev" |
        .linux.resources.memory = {"limit": 16777216, "swap": 16777216} | .linux.resources.pids = {"limit": 40}'
    cat >"$BATS_TEST_TMPDIR/payload" <<PAYLOAD
rt() { "$RUNTIME" --root /run/rt "\$@"; }
cd "$BUNDLE"
rt run -d e
rt events --stats e | sed 's/^/R: stats=/'
rt events --interval 10s e | sed 's/^/R: ev=/'
echo "R: end=\$?"
rt delete -f e
PAYLOAD
    vm_run --timeout 240 --copy "$RUNTIME" --copy "$BUNDLE" "$BATS_TEST_TMPDIR/payload"
    stats=$(vm_result stats)
    [ "$(jq -c '.data | keys' <<<"$stats")" = '["blkio","cpu","cpuset","hugetlb","intel_rdt","memory","network_interfaces","pids"]' ]
    [ "$(jq .data.memory.usage.limit <<<"$stats")" = 16777216 ]
    [ "$(jq .data.pids.limit <<<"$stats")" = 40 ]
    [ "$(jq .data.pids.current <<<"$stats")" = 2 ]
    jq -e '.data.cpu.usage.total > 0 and (.data.memory.raw | has("anon"))' <<<"$stats"
    echo "$output" | tr -d '\r' | grep -qx 'R: ev={"type":"oom","id":"e"}'
    [ "$(vm_result end)" = 0 ]
}
