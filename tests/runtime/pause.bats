#!/usr/bin/env bats
# pause / resume (the cgroup freezer), the "paused" status, and what kill,
# delete and kill 0 do to a paused container. runc 1.1 is the oracle for the
# statuses and refusals; the v2 freezer runs in a v2-only VM (tests/lib/qemu).

load lib_core
load ../lib/vm

setup() {
    core_setup
    [ -d /sys/fs/cgroup/freezer ] || [ -e /sys/fs/cgroup/cgroup.freeze ] ||
        [ -f /sys/fs/cgroup/cgroup.controllers ] || skip "no freezer: neither a v1 freezer hierarchy nor cgroup v2"
}
teardown() {
    core_teardown
    [ -z "${RUNC_ROOT:-}" ] || runc --root "$RUNC_ROOT" delete --force "$ID" >/dev/null 2>&1 || true
}

# A container that writes an ever-growing counter to its /tmp/n (the
# bundle's rootfs/tmp/n on the host), 20 times a second.
counting_container() {
    bundle sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.05; done'
    config_edit "$BUNDLE" '.root.readonly = false'
    rt run -d --bundle "$BUNDLE" "$ID"
    for _ in $(seq 50); do [ -s "$BUNDLE/rootfs/tmp/n" ] && return 0; sleep 0.1; done
    fail "the counter never started"
}

counter() { cat "$BUNDLE/rootfs/tmp/n"; }

@test "pause: the container stops making progress and state says paused; resume lets it go on" {
    counting_container
    rt pause "$ID"
    [ "$(status_of "$ID")" = paused ]
    [ "$(rt list --format json | jq -r '.[0].status')" = paused ]
    rt list | grep -qE "^$ID +[0-9]+ +paused "
    a=$(counter)
    sleep 0.5
    [ "$(counter)" = "$a" ]
    # The init is still there (pid kept), only frozen.
    [ "$(pid_of "$ID")" -gt 0 ]
    rt resume "$ID"
    [ "$(status_of "$ID")" = running ]
    sleep 0.5
    [ "$(counter)" -gt "$a" ]
}

@test "pause: the freezer reports FROZEN by the time pause returns" {
    counting_container
    pid=$(pid_of "$ID")
    freezer=$(awk -F: '$2 ~ /(^|,)freezer(,|$)/ {print $3}' /proc/$pid/cgroup)
    [ -n "$freezer" ] || skip "no v1 freezer on this host (the v2 test covers cgroup.freeze)"
    rt pause "$ID"
    [ "$(cat /sys/fs/cgroup/freezer$freezer/freezer.state)" = FROZEN ]
    rt resume "$ID"
    [ "$(cat /sys/fs/cgroup/freezer$freezer/freezer.state)" = THAWED ]
}

@test "pause: refusals in runc's cases: paused twice, resume of a running one, stopped, missing" {
    counting_container
    rt pause "$ID"
    run rt pause "$ID"
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: cannot pause container $ID: it is paused, not running" ]
    rt resume "$ID"
    run rt resume "$ID"
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: cannot resume container $ID: it is running, not paused" ]
    rt kill "$ID" KILL
    wait_status "$ID" stopped
    run rt pause "$ID"
    [ "$status" -eq 7 ]
    [[ "$output" == *"it is stopped, not running" ]]
    run rt pause nosuch
    [ "$status" -eq 4 ]
    [ "$output" = "runtime: container nosuch does not exist" ]
    run rt resume
    [ "$status" -eq 2 ]
}

@test "pause: runc agrees: pause twice and resume of a running container fail, state says paused" {
    command -v runc >/dev/null || skip "runc is not installed"
    RUNC_ROOT="$BATS_TEST_TMPDIR/runc"
    bundle sleep 100
    (cd "$BUNDLE" && runc --root "$RUNC_ROOT" run -d "$ID" </dev/null >/dev/null 2>&1)
    rt run -d --bundle "$BUNDLE" "$ID"
    for r in "runc --root $RUNC_ROOT" "$RUNTIME --root $ROOT"; do
        $r pause "$ID"
        [ "$($r state "$ID" | jq -r .status)" = paused ]
        run $r pause "$ID"
        [ "$status" -ne 0 ]
        $r resume "$ID"
        run $r resume "$ID"
        [ "$status" -ne 0 ]
        [ "$($r state "$ID" | jq -r .status)" = running ]
    done
}

@test "pause: delete refuses a paused container; delete --force thaws and kills it, leaving nothing" {
    counting_container
    pid=$(pid_of "$ID")
    cgdirs=$(awk -F: '{print $3}' /proc/$pid/cgroup | sort -u)
    rt pause "$ID"
    run rt delete "$ID"
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: cannot delete container $ID: it is paused (stop it or use --force)" ]
    [ "$(status_of "$ID")" = paused ]
    rt delete --force "$ID"
    [ ! -e "$ROOT/$ID" ]
    process_gone "$pid" || fail "pid $pid still runs"
    for d in /sys/fs/cgroup/*/$ID /sys/fs/cgroup/*/*/$ID; do
        [ ! -e "$d" ] || fail "cgroup $d left behind"
    done
}

@test "pause: kill KILL on a paused container thaws it so that it dies; TERM waits for resume" {
    bundle sh -c 'trap "exit 3" TERM; while :; do sleep 0.05; done'
    rt run -d --bundle "$BUNDLE" "$ID"
    sleep 0.2
    rt pause "$ID"
    rt kill "$ID" TERM
    sleep 0.3
    [ "$(status_of "$ID")" = paused ]
    rt resume "$ID"
    wait_status "$ID" stopped
    rt delete "$ID"

    ID=${ID}k
    rt run -d --bundle "$BUNDLE" "$ID"
    rt pause "$ID"
    rt kill "$ID" KILL
    wait_status "$ID" stopped
}

@test "pause: kill --all KILL on a paused container stops every process" {
    bundle sh -c 'sleep 100 & sleep 100 & wait'
    rt run -d --bundle "$BUNDLE" "$ID"
    sleep 0.2
    rt pause "$ID"
    rt kill --all "$ID" KILL
    wait_status "$ID" stopped
}

@test "pause: a created container can be paused and resumed, then started" {
    bundle sh -c 'echo started >/tmp/s; sleep 100'
    config_edit "$BUNDLE" '.root.readonly = false'
    rt create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1
    rt pause "$ID"
    [ "$(status_of "$ID")" = paused ]
    rt resume "$ID"
    [ "$(status_of "$ID")" = created ]
    rt start "$ID"
    for _ in $(seq 30); do [ -e "$BUNDLE/rootfs/tmp/s" ] && break; sleep 0.1; done
    [ "$(cat "$BUNDLE/rootfs/tmp/s")" = started ]
}

@test "kill 0: the existence probe succeeds on a live container and fails on a stopped one" {
    bundle sleep 100
    rt run -d --bundle "$BUNDLE" "$ID"
    rt kill "$ID" 0
    [ "$(status_of "$ID")" = running ]
    rt kill "$ID" KILL
    wait_status "$ID" stopped
    run rt kill "$ID" 0
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: container $ID is not running" ]
}

@test "pause v2: cgroup.freeze in a v2-only VM: frozen 1 when pause returns, state paused, resume thaws" {
    require_vm
    bundle sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n; sleep 0.05; done'
    config_edit "$BUNDLE" '.linux.cgroupsPath = "/v2pause" | .root.readonly = false'
    cat >"$BATS_TEST_TMPDIR/payload" <<PAYLOAD
rt() { "$RUNTIME" --root /run/rt "\$@"; }
cd "$BUNDLE"
rt run -d p; sleep 1
rt pause p; echo "R: pause=\$?"
echo "R: events=\$(grep frozen /sys/fs/cgroup/v2pause/cgroup.events)"
echo "R: status=\$(rt state p | grep -o '"status": "[a-z]*"')"
a=\$(cat rootfs/tmp/n); sleep 1; b=\$(cat rootfs/tmp/n)
[ "\$a" = "\$b" ] && echo "R: still=yes" || echo "R: still=no"
rt resume p; echo "R: resume=\$?"
echo "R: thawed=\$(grep frozen /sys/fs/cgroup/v2pause/cgroup.events)"
sleep 1; c=\$(cat rootfs/tmp/n)
[ "\$c" -gt "\$b" ] && echo "R: moved=yes" || echo "R: moved=no"
rt pause p; rt delete --force p; echo "R: delete=\$?"
[ -e /sys/fs/cgroup/v2pause ] && echo "R: left=yes" || echo "R: left=no"
PAYLOAD
    vm_run --timeout 240 --copy "$RUNTIME" --copy "$BUNDLE" "$BATS_TEST_TMPDIR/payload"
    [ "$(vm_result pause)" = 0 ]
    [ "$(vm_result events)" = "frozen 1" ]
    [ "$(vm_result status)" = '"status": "paused"' ]
    [ "$(vm_result still)" = yes ]
    [ "$(vm_result resume)" = 0 ]
    [ "$(vm_result thawed)" = "frozen 0" ]
    [ "$(vm_result moved)" = yes ]
    [ "$(vm_result delete)" = 0 ]
    [ "$(vm_result left)" = no ]
}
