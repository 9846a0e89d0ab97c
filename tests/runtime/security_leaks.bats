#!/usr/bin/env bats
# Robustness: many create/start/delete cycles leave nothing behind, and a
# create killed with SIGKILL at any point leaves what delete --force cleans.

load ../lib/helpers

setup() {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    STATE="$BATS_TEST_TMPDIR/state"
    PREFIX=$(unique_id)
    make_bundle "$BUNDLE" true
}

teardown() {
    kill_ours
    for id in $(ls "$STATE" 2>/dev/null); do
        "$RUNTIME" --root "$STATE" delete --force "$id" >/dev/null 2>&1 || true
    done
}

# What could be left behind, all specific to this test:
#   mounts on the host naming the test's directory, fds any process holds
#   on it, processes in a mount namespace built on it (or started with our
#   state directory), cgroups named after our ids, state directories.
count_container_procs() {
    local self p n=0
    self=$(readlink /proc/self/ns/mnt)
    for p in /proc/[0-9]*; do
        if [ "$(readlink "$p/ns/mnt" 2>/dev/null)" != "$self" ]; then
            grep -q -- "$BATS_TEST_TMPDIR" 2>/dev/null <"$p/mountinfo" && n=$((n + 1))
        elif tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q -- "--root $STATE "; then
            n=$((n + 1))
        fi
    done
    echo "$n"
}

leftovers() {
    local mounts fds procs cgroups states
    mounts=$(grep -c -- "$BATS_TEST_TMPDIR" /proc/self/mountinfo)
    fds=$(find /proc/[0-9]*/fd -maxdepth 1 -lname "$BATS_TEST_TMPDIR*" 2>/dev/null | wc -l)
    procs=$(count_container_procs)
    cgroups=$(find /sys/fs/cgroup -maxdepth 6 -type d -name "$PREFIX*" 2>/dev/null | wc -l)
    states=$(ls "$STATE" 2>/dev/null | wc -l)
    echo "mounts=$mounts fds=$fds procs=$procs cgroups=$cgroups states=$states"
}

# SIGKILL, by pid, the processes started with this test's state directory
# or living in a cgroup named after our ids; then remove those cgroups.
kill_ours() {
    local p d
    for p in /proc/[0-9]*; do
        tr '\0' ' ' 2>/dev/null <"$p/cmdline" | grep -q -- "--root $STATE " && kill -KILL "${p#/proc/}" 2>/dev/null
    done
    for d in $(find /sys/fs/cgroup -maxdepth 6 -depth -type d -name "$PREFIX*" 2>/dev/null); do
        for p in $(cat "$d/cgroup.procs" 2>/dev/null); do kill -KILL "$p" 2>/dev/null; done
        rmdir "$d" 2>/dev/null
    done
    return 0
}

CLEAN="mounts=0 fds=0 procs=0 cgroups=0 states=0"

@test "500 create/start/delete cycles leave no mount, fd, process, cgroup or state behind" {
    [ "$(leftovers)" = "$CLEAN" ]
    # the counts do see a container that is still there
    "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$PREFIX-probe" </dev/null >/dev/null 2>&1
    run leftovers
    [[ "$output" == *"procs=1 "* && "$output" == *"states=1" && "$output" != *"fds=0 "* ]]
    "$RUNTIME" --root "$STATE" delete --force "$PREFIX-probe"
    [ "$(leftovers)" = "$CLEAN" ]
    start=$(date +%s%N)
    for i in $(seq 500); do
        "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$PREFIX-$i" </dev/null >/dev/null 2>&1 ||
            fail "create $i failed"
        "$RUNTIME" --root "$STATE" start "$PREFIX-$i" || fail "start $i failed"
        "$RUNTIME" --root "$STATE" delete --force "$PREFIX-$i" || fail "delete $i failed"
    done
    end=$(date +%s%N)
    echo "500 cycles in $(( (end - start) / 1000000 )) ms" >&3
    run leftovers
    echo "$output" >&3
    [ "$output" = "$CLEAN" ]
}

@test "create killed with SIGKILL at any point: delete --force leaves nothing behind" {
    # create writes a first state.json naming the cgroup before the clone, so
    # delete --force finds what a create killed at any point left.
    config_edit "$BUNDLE" '.process.args = ["sleep", "60"]'
    for delay in 0 0.001 0.002 0.003 0.005 0.007 0.01 0.015 0.02 0.03 0.05 0.08 0.1 0.2; do
        id="$PREFIX-k${delay#0.}"
        # (bats' fd 3 closed: a lingering init must not hold the suite open)
        "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$id" </dev/null >/dev/null 2>&1 3>&- &
        pid=$!
        sleep "$delay"
        kill -KILL "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
        "$RUNTIME" --root "$STATE" delete --force "$id" >/dev/null 2>&1 || true
        # an init whose parent died must not linger (it may take a moment to notice)
        for _ in $(seq 30); do
            [ "$(leftovers)" = "$CLEAN" ] && break
            sleep 0.1
        done
        run leftovers
        if [ "$output" != "$CLEAN" ]; then
            kill_ours
            fail "after SIGKILL at ${delay}s: $output"
        fi
    done
}
