#!/usr/bin/env bats
# create / start / state / kill / delete / run, and what a failed create leaves.

load lib_core

setup() { core_setup; }
teardown() { core_teardown; }

@test "lifecycle: create waits, start runs, kill stops, delete removes" {
    bundle sleep 100
    rt create --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
    [ "$(status_of "$ID")" = created ]
    pid=$(cat "$BATS_TEST_TMPDIR/pid")
    [ "$pid" = "$(pid_of "$ID")" ]
    # the init has not exec'd yet: it is still the runtime
    [ "$(readlink /proc/$pid/exe)" != "$(readlink -f "$BUNDLE/rootfs/bin/busybox")" ]
    rt start "$ID"
    wait_status "$ID" running
    [ "$(tr '\0' ' ' </proc/$pid/cmdline)" = "sleep 100 " ]
    run rt start "$ID"
    [ "$status" -eq 7 ]
    [[ "$output" == *"running, not created"* ]]
    rt kill "$ID" KILL
    wait_status "$ID" stopped
    [ "$(pid_of "$ID")" = 0 ]
    rt delete "$ID"
    [ ! -e "$ROOT/$ID" ]
    run rt state "$ID"
    [[ "$output" == *"does not exist"* ]]
}

@test "lifecycle: state is JSON in runc's shape" {
    bundle sleep 100
    config_edit "$BUNDLE" '.annotations = {"org.example.k": "v"}'
    rt create --bundle "$BUNDLE" "$ID"
    run rt state "$ID"
    [ "$status" -eq 0 ]
    echo "$output" | jq -e --arg id "$ID" --arg b "$BUNDLE" \
        '.id == $id and .status == "created" and .bundle == $b and .rootfs == ($b + "/rootfs")
         and (.pid > 0) and (.ociVersion | startswith("1.")) and (.created | test("^[0-9-]+T[0-9:.]+Z$"))
         and .annotations["org.example.k"] == "v"'
    [ "$(echo "$output" | jq -r 'keys | sort | join(",")')" = "annotations,bundle,created,id,ociVersion,owner,pid,rootfs,status" ]
}

@test "lifecycle: status comes from the live process, not the file" {
    bundle sleep 100
    rt create --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    kill -9 "$pid"
    wait_status "$ID" stopped
    run rt start "$ID"
    [ "$status" -eq 7 ]
    [[ "$output" == *"stopped"* ]]
    rt delete "$ID"
    [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: kill takes names and numbers; the default is TERM" {
    bundle sh -c 'trap "exit 0" TERM; trap "exit 0" USR1; while :; do sleep 0.1; done'
    rt run -d --bundle "$BUNDLE" "$ID"
    wait_status "$ID" running
    run rt kill "$ID" NOSUCHSIG
    [ "$status" -eq 2 ]
    rt kill "$ID" SIGUSR1
    wait_status "$ID" stopped
    rt delete "$ID"
    rt run -d --bundle "$BUNDLE" "$ID"
    rt kill "$ID"
    wait_status "$ID" stopped
    rt delete "$ID"
    rt run -d --bundle "$BUNDLE" "$ID"
    rt kill "$ID" 9
    wait_status "$ID" stopped
    run rt kill "$ID" KILL
    [ "$status" -eq 7 ]
    [[ "$output" == *"not running"* ]]
}

@test "lifecycle: delete refuses a running container; --force kills it" {
    bundle sleep 100
    rt run -d --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    run rt delete "$ID"
    [ "$status" -eq 7 ]
    [[ "$output" == *"running"* ]]
    rt delete --force "$ID"
    [ ! -e "$ROOT/$ID" ]
    process_gone "$pid" || fail "pid $pid still runs"
}

@test "lifecycle: delete of a created container kills its waiting init" {
    bundle sleep 100
    rt create --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    rt delete "$ID"
    [ ! -e "$ROOT/$ID" ]
    process_gone "$pid" || fail "pid $pid still runs"
}

@test "lifecycle: create twice with one id is refused" {
    bundle sleep 100
    rt create --bundle "$BUNDLE" "$ID"
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 7 ]
    [[ "$output" == *"already exists"* ]]
    [ "$(status_of "$ID")" = created ]
}

@test "lifecycle: run exits with the container's status" {
    bundle sh -c 'echo out; echo err >&2; exit 7'
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 7 ]
    [[ "$output" == *out* ]]
    [[ "$output" == *err* ]]
    # run removes the container after it exits
    [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: run passes stdin through" {
    bundle sh -c 'read line; echo "got $line"'
    run sh -c "echo hello | '$RUNTIME' --root '$ROOT' run --bundle '$BUNDLE' '$ID'"
    [ "$status" -eq 0 ]
    [ "$output" = "got hello" ]
}

@test "lifecycle: run exits 128+N when the container dies of signal N" {
    bundle sleep 100
    "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID" &
    runpid=$!
    for i in $(seq 50); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.1; done
    rt kill "$ID" KILL
    wait "$runpid" || st=$?
    [ "$st" -eq 137 ]
}

@test "lifecycle: run forwards signals to the container" {
    bundle sh -c 'trap "exit 42" TERM; while :; do sleep 0.1; done'
    "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID" &
    runpid=$!
    for i in $(seq 50); do [ "$(status_of "$ID" 2>/dev/null)" = running ] && break; sleep 0.1; done
    sleep 0.2
    kill -TERM "$runpid"
    wait "$runpid" || st=$?
    [ "$st" -eq 42 ]
    [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: run -d returns while the container runs" {
    bundle sleep 100
    # (not through bats' run: the container keeps the output pipe open)
    rt run -d --bundle "$BUNDLE" --pid-file "$BATS_TEST_TMPDIR/pid" "$ID"
    [ "$(status_of "$ID")" = running ]
    [ "$(cat "$BATS_TEST_TMPDIR/pid")" = "$(pid_of "$ID")" ]
}

@test "lifecycle: a failed create reports the step and leaves no state or process" {
    bundle /bin/nosuch
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"exec /bin/nosuch"* ]]
    [ ! -e "$ROOT/$ID" ]
    [ -z "$(rt list -q)" ]
    # no init left waiting from this bundle
    run ! pgrep -f "$ID"
    config_edit "$BUNDLE" '.process.args = ["true"] | .process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 10, "hard": 999999999}]'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"RLIMIT_NOFILE"* ]]
    [ ! -e "$ROOT/$ID" ]
}

@test "lifecycle: start after the init died fails cleanly" {
    bundle sleep 100
    rt create --bundle "$BUNDLE" "$ID"
    kill -9 "$(pid_of "$ID")"
    sleep 0.2
    run rt start "$ID"
    [ "$status" -eq 7 ]
    rt delete "$ID"
}

@test "lifecycle: the container's fds are only 0-2 (and --preserve-fds)" {
    bundle sh -c 'ls /proc/self/fd 2>/dev/null; ls -1 /dev/fd/ 2>/dev/null | wc -l'
    # no /proc in a bare rootfs: look at the host's view of a sleeping init
    config_edit "$BUNDLE" '.process.args = ["sleep", "100"]'
    exec 7>"$BATS_TEST_TMPDIR/keep"
    rt run -d --bundle "$BUNDLE" "$ID" 7>&7
    pid=$(pid_of "$ID")
    [ "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" = "0 1 2 " ]
    rt delete --force "$ID"
    rt run -d --preserve-fds 5 --bundle "$BUNDLE" "$ID" 3</dev/null 4</dev/null 5</dev/null 6</dev/null 7>&7
    pid=$(pid_of "$ID")
    [ "$(ls /proc/$pid/fd | sort -n | tr '\n' ' ')" = "0 1 2 3 4 5 6 7 " ]
    exec 7>&-
}

# Directories named $1 under the cgroup hierarchies.
cgroup_dirs_named() {
    find /sys/fs/cgroup -maxdepth 6 -type d -name "$1" 2>/dev/null
}

@test "lifecycle: a create that fails in the init leaves no cgroup" {
    bundle true
    config_edit "$BUNDLE" '.process.cwd = "/bin/sh/dir" # under a file: cannot be made'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"process.cwd"* ]]
    [ ! -e "$ROOT/$ID" ]
    [ -z "$(cgroup_dirs_named "$ID")" ]
}

@test "lifecycle: kill --all signals every process of the cgroup; delete removes the cgroup" {
    bundle sh -c 'sleep 100 & sleep 100 & wait'
    rt run -d --bundle "$BUNDLE" "$ID"
    [ -n "$(cgroup_dirs_named "$ID")" ] || fail "no cgroup directory named $ID"
    pid=$(pid_of "$ID")
    for i in $(seq 50); do [ "$(pgrep -P "$pid" | wc -l)" -ge 2 ] && break; sleep 0.1; done
    children=$(pgrep -P "$pid")
    rt kill --all "$ID" KILL
    wait_status "$ID" stopped
    for c in $children; do process_gone "$c" || fail "pid $c still runs"; done
    rt delete "$ID"
    [ -z "$(cgroup_dirs_named "$ID")" ]
}
