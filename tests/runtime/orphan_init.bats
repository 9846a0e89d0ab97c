#!/usr/bin/env bats
# "A user process that runs with nobody watching" (issue 11): the init
# execs only after the parent's go-ahead, sent once the container is
# recorded; it dies with its parent before that (PR_SET_PDEATHSIG); a
# frozen cgroup is refused at once instead of hanging create.

load lib_core

setup() {
    core_setup
    FROZEN=""
    TRACER=""
}
teardown() {
    [ -z "$TRACER" ] || kill -9 "$TRACER" 2>/dev/null || true
    if [ -n "$FROZEN" ] && [ -d "$FROZEN" ]; then
        echo THAWED >"$FROZEN/freezer.state"
        local p
        for p in $(cat "$FROZEN/cgroup.procs"); do kill -9 "$p" 2>/dev/null || true; done
        sleep 0.2
        rmdir "$FROZEN" || true
    fi
    core_teardown
}

# A unique command line to look for on the host.
marker_bundle() {
    SECS=$((500000 + RANDOM))
    bundle sleep "$SECS"
}

# no_marker_process: nothing runs `sleep $SECS` (waits up to 5 s).
no_marker_process() {
    local i
    for i in $(seq 50); do
        pgrep -fx "sleep $SECS" >/dev/null || return 0
        sleep 0.1
    done
    fail "the user process runs: $(pgrep -afx "sleep $SECS")"
}

@test "a pre-frozen v1 freezer cgroup as cgroupsPath: refused at once, one line, nothing left" {
    [ -d /sys/fs/cgroup/freezer ] || skip "no v1 freezer hierarchy on this host"
    FROZEN=/sys/fs/cgroup/freezer/secrt-frozen-$ID
    mkdir "$FROZEN"
    echo FROZEN >"$FROZEN/freezer.state"
    marker_bundle
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/secrt-frozen-$ID\""
    local cmd
    for cmd in "run -d" create; do
        [ -d "$FROZEN" ] || { mkdir "$FROZEN"; echo FROZEN >"$FROZEN/freezer.state"; }
        run timeout 20 "$RUNTIME" --root "$ROOT" $cmd --bundle "$BUNDLE" "$ID"
        [ "$status" -eq 7 ] || fail "$cmd: status $status (124: it hung): $output"
        [ "${#lines[@]}" -eq 1 ] || fail "$cmd: $output"
        [[ $output == *"container's cgroup unexpectedly frozen ($FROZEN)"* ]] || fail "$cmd: $output"
        [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "$cmd: state left: $(ls -A "$ROOT")"
        [ ! -d "$FROZEN" ] || [ -z "$(cat "$FROZEN/cgroup.procs")" ] || fail "$cmd: processes in the cgroup"
        [ ! -d /sys/fs/cgroup/memory/secrt-frozen-$ID ] || fail "$cmd: memory cgroup left"
        no_marker_process
    done
}

# Run `runtime run -d` under strace, which holds the parent's second
# rename (the state.json that records the init's pid) for 60 s: the init is
# set up by then and waits. Sets RT_PID (the runtime) and INIT_PID.
run_with_slow_record() {
    strace -o /dev/null -e trace=rename -e inject=rename:delay_enter=60s:when=2 \
        "$RUNTIME" --root "$ROOT" run -d --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null &
    TRACER=$!
    local i
    for i in $(seq 100); do
        RT_PID=$(pgrep -P "$TRACER") && INIT_PID=$(pgrep -P "$RT_PID" | head -1) &&
            [ -n "$INIT_PID" ] && [ -e "$ROOT/$ID/state.json" ] && break
        sleep 0.1
    done
    [ -n "$INIT_PID" ] || fail "no init under the runtime: $(cat "$BATS_TEST_TMPDIR/out")"
    sleep 3 # the init's set-up is done by now; the parent is still in the rename
}

# kill_parent: SIGKILL the runtime (held by strace, it dies once strace is gone).
kill_parent() {
    kill -9 "$RT_PID"
    kill -9 "$TRACER"
    wait "$TRACER" 2>/dev/null || true
    TRACER=""
}

# init_gone: the init is dead within 5 s (a zombie of a reaper that does not reap counts as dead).
init_gone() {
    local i
    for i in $(seq 50); do
        [ -e /proc/$INIT_PID ] || return 0
        [ "$(awk '/^State:/ {print $2}' /proc/$INIT_PID/status 2>/dev/null)" = Z ] && return 0
        sleep 0.1
    done
    return 1
}

@test "run -d killed before it recorded the container: the user process never runs, delete removes what is left" {
    marker_bundle
    run_with_slow_record
    kill_parent
    no_marker_process
    init_gone || fail "the init (pid $INIT_PID) outlived its parent"
    # never recorded: pid 0 ("creating" until delete removes it)
    [ "$(pid_of "$ID")" = 0 ] || fail "$(rt state "$ID")"
    local cg
    cg=$(jq -r '.runtime.cgroup.paths.memory // .runtime.cgroup.paths.unified' "$ROOT/$ID/state.json")
    [ -d "$cg" ] || fail "no cgroup: $cg"
    rt delete "$ID"
    [ -z "$(ls -A "$ROOT")" ]
    [ ! -d "$cg" ] || fail "cgroup $cg left"
}

@test "the init dies with its parent even when it cannot run (stopped): PR_SET_PDEATHSIG" {
    marker_bundle
    run_with_slow_record
    # Stopped, the init would never read the EOF of its sync socket.
    kill -STOP "$INIT_PID"
    kill_parent
    if ! init_gone; then
        kill -9 "$INIT_PID"
        fail "the init (pid $INIT_PID) outlived its parent by 5 s"
    fi
    no_marker_process
    rt delete "$ID"
}

@test "control: create and run still hand the container over (create's init outlives create)" {
    marker_bundle
    rt create --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1
    [ "$(status_of "$ID")" = created ]
    rt start "$ID"
    wait_status "$ID" running
    pgrep -fx "sleep $SECS" >/dev/null
    rt delete --force "$ID"
    rt run -d --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1 </dev/null
    wait_status "$ID" running
}
