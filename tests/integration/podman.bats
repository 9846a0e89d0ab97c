#!/usr/bin/env bats
# podman drives the runtime: `podman --runtime $RUNTIME` with a private store,
# run root, tmpdir and containers.conf under the suite's temp dir, on the demo
# image built locally (tests/lib/make-demo-image.sh). Each flow runs once with
# ours and once with runc (the oracle): a flow that fails only with ours is a
# bug of ours, not of the suite.

load ../lib/helpers
load ../imagetool/unpack_helpers

PTY_RUN=$PROJECT_ROOT/tests/lib/pty-run.py

setup_file() {
    command -v podman >/dev/null || skip "podman is not installed"
    command -v runc >/dev/null || skip "runc (the oracle) is not installed"
    local t=$BATS_FILE_TMPDIR
    # The host's hard limits: podman's default 1048576 exceeds them here
    # (root lacks CAP_SYS_RESOURCE), for runc as for us. No [engine] table:
    # pm passes the cgroup manager and events backend as flags, and the
    # containers.conf test appends README's [engine] snippet to this file.
    cat >"$t/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=1024:1024"]
[network]
network_backend = "cni"
CONF
    # As an oci-archive, `podman load` names it by its ref: localhost/demo.
    tar -C "$(demo_image)" -cf "$t/demo.tar" .
    pm_raw runc load -q -i "$t/demo.tar" >/dev/null
}

teardown_file() {
    pm_raw runc rm -a -f -t 0 >/dev/null 2>&1 || true
    # Not `system reset`: it removes the host's non-default networks too.
    pm_raw runc rmi -a -f >/dev/null 2>&1 || true
    umount_below "$BATS_FILE_TMPDIR"
}

teardown() {
    pm_raw runc rm -a -f -t 0 >/dev/null 2>&1 || true
}

# umount_below DIR: every mount below DIR, deepest first.
umount_below() {
    local m
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$1/" | sort -r); do
        umount "$m" 2>/dev/null || true
    done
}

# pm_raw RT ARGS...: podman with the private roots and RT as the OCI runtime
# (a script, so that script(1) and pipelines can run it too). RT "-" leaves
# the runtime to containers.conf ($PM_CONF, default the suite's).
pm_raw() {
    local t=$BATS_FILE_TMPDIR
    if [ ! -x "$t/pm" ]; then
        cat >"$t/pm" <<SH
#!/bin/sh
rt=\$1
shift
[ "\$rt" = - ] || set -- --runtime "\$(command -v "\$rt")" "\$@"
CONTAINERS_CONF="\${PM_CONF:-$t/containers.conf}" exec podman --root "$t/root" --runroot "$t/runroot" \\
    --tmpdir "$t/tmp" --storage-driver vfs --cgroup-manager cgroupfs \\
    --events-backend file "\$@"
SH
        chmod +x "$t/pm"
    fi
    "$t/pm" "$@"
}

# pm ARGS...: podman with the runtime of this test ($RT).
pm() {
    pm_raw "$RT" "$@"
}


# wait_status NAME STATUS: podman reports STATUS for NAME within 10 s.
wait_status() {
    wait_until 100 prints "$2" pm inspect -f '{{.State.Status}}' "$1" 2>/dev/null ||
        fail "$1 is not $2: $(pm inspect -f '{{.State.Status}}' "$1" 2>&1)"
}

# wait_logs NAME TEXT: NAME's output holds the line TEXT within 10 s.
wait_logs() {
    wait_until 100 logs_hold "$1" "$2" || fail "$1 never printed $2: $(pm logs "$1" 2>&1)"
}

# logs_hold NAME TEXT: NAME's output holds the line TEXT.
logs_hold() {
    pm logs "$1" 2>/dev/null | grep -qx "$2"
}

# assert_nothing_left: no container, and for every container podman's event
# log ever named: no process (conmon's command line names the id), no mount,
# no cgroup, no state directory of either runtime.
assert_nothing_left() {
    local id ids
    run pm ps -a -q
    [ -z "$output" ] || fail "containers left: $output"
    ids=$(pm events --stream=false --format '{{.ID}}' --filter type=container | sort -u)
    [ -n "$ids" ] || fail "podman's event log names no container"
    for id in $ids; do
        ! pgrep -af "$id" || fail "process of $id left"
        ! grep "$id" /proc/self/mountinfo || fail "mount of $id left"
        [ -z "$(find /sys/fs/cgroup -maxdepth 3 -name "*$id*")" ] ||
            fail "cgroup of $id left: $(find /sys/fs/cgroup -maxdepth 3 -name "*$id*")"
        [ ! -e "/run/runtime/$id" ] || fail "state of $id left in /run/runtime"
        [ ! -e "/run/runc/$id" ] || fail "state of $id left in /run/runc"
    done
}

# run_flow RT FLOW: FLOW with RT as podman's runtime, then everything removed
# and nothing left behind.
run_flow() {
    RT=$1
    "flow_$2"
    pm rm -a -f -t 0 >/dev/null
    assert_nothing_left
}

flow_run() {
    run pm run --rm --network none demo sh -c 'echo hello; cat /etc/issue; id -u'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *hello*"Welcome to the imagetool demo image"* ]]
    [[ "$output" == *$'\n0' ]]
    run pm run --rm --network none demo sh -c 'exit 3'
    [ "$status" -eq 3 ] || fail "status $status: $output"
    # 137: the init killed by SIGKILL from outside (from inside its own pid
    # namespace SIGKILL does not reach it: `kill -9 $$` exits 0 with runc too).
    local n="r-${RT##*/}" pid
    pm run --rm --network none --name "$n" demo sleep 1000 >"$BATS_TEST_TMPDIR/r.out" 2>&1 &
    pid=$!
    wait_status "$n" running
    pm kill -s KILL "$n" >/dev/null
    wait "$pid" && status=0 || status=$?
    [ "$status" -eq 137 ] || fail "status $status: $(cat "$BATS_TEST_TMPDIR/r.out")"
    run -127 pm run --rm --network none demo /nonexistent
    run pm run --rm --network none demo /etc/issue
    [ "$status" -eq 126 ] || fail "run of a non-executable: status $status: $output"
    run pm run --rm --network none --user 1000 demo id
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == "uid=1000(demo) gid=1000(demo)"* ]]
}

flow_stdin() {
    run bash -c "printf 'a\nb\nc\n' | '$BATS_FILE_TMPDIR/pm' '$RT' run --rm -i --network none demo wc -l"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(echo "$output" | tr -d ' ')" = 3 ]
}

# script(1) gives podman a pty: the container sees a terminal.
flow_tty() {
    run script -qefc "'$BATS_FILE_TMPDIR/pm' '$RT' run --rm -t --network none demo sh -c 'tty; exit 4'" /dev/null </dev/null
    [ "$status" -eq 4 ] || fail "status $status: $output"
    [[ "$output" == */dev/pts/0* ]] || fail "$output"
    [ -f "$PTY_RUN" ] || fail "tests/lib/pty-run.py is missing"
    # A shell on a terminal of 30x100 (tests/lib/pty-run.py): what is typed
    # reaches it, it sees the size, and its status is podman's.
    run python3 "$PTY_RUN" 30 100 --input $'stty size; tty; exit 6\n' -- \
        "$BATS_FILE_TMPDIR/pm" "$RT" run --rm -it --network none demo sh
    [ "$status" -eq 6 ] || fail "run -it: status $status: $output"
    [[ "$output" == *"30 100"*"/dev/pts/0"* ]] || fail "run -it: $output"
    # The caller's window resized: SIGWINCH reaches podman, and the new
    # size reaches the container's terminal.
    run python3 "$PTY_RUN" 30 100 --resize-on READY 40 120 -- \
        "$BATS_FILE_TMPDIR/pm" "$RT" run --rm -t --network none demo sh -c \
        'stty size; echo READY; for i in $(seq 100); do [ "$(stty size)" = "40 120" ] && break; sleep 0.1; done; stty size'
    [ "$status" -eq 0 ] || fail "resize: status $status: $output"
    [[ "$output" == *"30 100"*"READY"*"40 120"* ]] || fail "resize: $output"
}

flow_detach_exec() {
    local id
    local n="d-${RT##*/}"
    id=$(pm run -d --network none --name "$n" demo sh -c 'echo started; exec sleep 1000')
    run pm logs "$n"
    [[ "$output" == started* ]] || fail "logs: $output"
    run pm exec "$n" sh -c 'echo in; cat /proc/1/cmdline | tr "\0" " "'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == "in"*"sleep 1000"* ]] || fail "$output"
    run pm exec "$n" sh -c 'exit 5'
    [ "$status" -eq 5 ] || fail "status $status: $output"
    # podman maps the runtime's words to 127 (not found) and 126 (cannot run).
    run -127 pm exec "$n" /nonexistent
    run pm exec "$n" /etc/issue
    [ "$status" -eq 126 ] || fail "exec of a non-executable: status $status: $output"
    run -127 pm exec "$n" nosuchprogram
    run pm exec --user 1000 "$n" id -u
    [ "$output" = 1000 ] || fail "$output"
    run pm exec --user demo -w /tmp -e X=1 "$n" sh -c 'echo "$(id) $(pwd) $X"; grep CapEff /proc/self/status'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == "uid=1000(demo) gid=1000(demo) groups=10(wheel),50(staff) /tmp 1"*"CapEff:	0000000000000000" ]] ||
        fail "exec --user demo: $output"
    run bash -c "echo piped | '$BATS_FILE_TMPDIR/pm' '$RT' exec -i $n cat"
    [ "$output" = piped ] || fail "exec -i: $output"
    run pm top "$n"
    [ "$status" -eq 0 ] || fail "top: $output"
    [[ "$output" == *"sleep 1000"* ]] || fail "top: $output"
    pm rm -f -t 0 "$n" >/dev/null
}

flow_exec_tty() {
    local n="x-${RT##*/}"
    pm run -d --network none --name "$n" demo sleep 1000 >/dev/null
    run script -qefc "'$BATS_FILE_TMPDIR/pm' '$RT' exec -t $n tty" /dev/null </dev/null
    [ "$status" -eq 0 ] || fail "exec -t: $output"
    [[ "$output" == */dev/pts/* ]] || fail "exec -t: $output"
    [ -f "$PTY_RUN" ] || fail "tests/lib/pty-run.py is missing"
    run python3 "$PTY_RUN" 25 90 --input $'stty size; id -u; exit 3\n' -- \
        "$BATS_FILE_TMPDIR/pm" "$RT" exec -it --user 1000 "$n" sh
    [ "$status" -eq 3 ] || fail "exec -it: status $status: $output"
    [[ "$output" == *"25 90"*$'\n'1000* ]] || fail "exec -it: $output"
    pm rm -f -t 0 "$n" >/dev/null
}

flow_pause() {
    pm run -d --network none --name "p-${RT##*/}" demo sleep 1000 >/dev/null
    run pm pause "p-${RT##*/}"
    [ "$status" -eq 0 ] || fail "pause: $output"
    run pm inspect -f '{{.State.Status}}' "p-${RT##*/}"
    [ "$output" = paused ] || fail "$output"
    run pm unpause "p-${RT##*/}"
    [ "$status" -eq 0 ] || fail "unpause: $output"
    run pm exec "p-${RT##*/}" echo alive
    [ "$output" = alive ] || fail "$output"
    # A paused container is removed by force (the runtime's delete --force).
    pm pause "p-${RT##*/}" >/dev/null
    run pm rm -f -t 0 "p-${RT##*/}"
    [ "$status" -eq 0 ] || fail "rm -f of a paused container: $output"
}

flow_stop_kill() {
    # SIGTERM reaches a shell that traps it: the stop takes far less than 10 s.
    pm run -d --network none --name "s-${RT##*/}" demo sh -c 'trap "exit 7" TERM; while :; do sleep 0.1; done' >/dev/null
    sleep 0.5
    local t0=$SECONDS
    run pm stop -t 10 "s-${RT##*/}"
    [ "$status" -eq 0 ] || fail "stop: $output"
    [ $((SECONDS - t0)) -lt 5 ]
    run pm inspect -f '{{.State.ExitCode}}' "s-${RT##*/}"
    [ "$output" = 7 ] || fail "exit code $output"
    # A process ignoring SIGTERM: escalation to SIGKILL after the timeout.
    pm run -d --network none --name "e-${RT##*/}" demo sh -c 'trap "" TERM; while :; do sleep 0.1; done' >/dev/null
    run pm stop -t 1 "e-${RT##*/}"
    [ "$status" -eq 0 ] || fail "stop: $output"
    run pm inspect -f '{{.State.ExitCode}}' "e-${RT##*/}"
    [ "$output" = 137 ] || fail "exit code $output"
    # A signal the init handles reaches it.
    pm run -d --network none --name "u-${RT##*/}" demo sh -c 'trap "echo got-usr1" USR1; echo ready; while :; do sleep 0.1; done' >/dev/null
    wait_logs "u-${RT##*/}" ready
    pm kill -s USR1 "u-${RT##*/}" >/dev/null
    wait_logs "u-${RT##*/}" got-usr1
    pm run -d --network none --name "k-${RT##*/}" demo sleep 1000 >/dev/null
    run pm kill -s KILL "k-${RT##*/}"
    [ "$status" -eq 0 ] || fail "kill: $output"
    run pm wait "k-${RT##*/}"
    [ "$output" = 137 ] || fail "wait: $output"
    run pm restart -t 0 "k-${RT##*/}"
    [ "$status" -eq 0 ] || fail "restart: $output"
    run pm inspect -f '{{.State.Status}}' "k-${RT##*/}"
    [ "$output" = running ] || fail "$output"
    run pm rm -f -t 0 "s-${RT##*/}" "e-${RT##*/}" "u-${RT##*/}" "k-${RT##*/}"
    [ "$status" -eq 0 ] || fail "rm: $output"
    run pm ps -a -q
    [ -z "$output" ] || fail "left behind: $output"
}

flow_readonly_tmpfs() {
    run pm run --rm --network none --read-only demo sh -c 'touch /etc/x 2>&1; echo rc=$?; touch /tmp/x && echo tmp-ok; ls /var/tmp >/dev/null && echo vt-ok'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"Read-only file system"*"rc=1"*"tmp-ok"*"vt-ok"* ]] || fail "$output"
    # --tmpfs over an image directory: tmpcopyup copies the image's content in.
    run pm run --rm --network none --tmpfs /x --tmpfs /etc demo sh -c 'grep -c " /x tmpfs" /proc/mounts; cat /etc/issue; touch /etc/new && echo etc-rw'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == "1"*"Welcome to the imagetool demo image"*"etc-rw"* ]] || fail "$output"
    # tmpfs options reach the mount; a read-only volume stays read-only.
    echo vol >"$BATS_TEST_TMPDIR/vol.txt"
    run pm run --rm --network none --tmpfs /x:size=1m,mode=1777 -v "$BATS_TEST_TMPDIR/vol.txt:/v.txt:ro" demo sh -c \
        'stat -c %a /x; df -k /x | tail -1; cat /v.txt; echo x 2>&1 >/v.txt; echo rc=$?'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == "1777"*" 1024 "*"vol"*"Read-only file system"*"rc="[1-9]* ]] || fail "$output"
    [ "$(cat "$BATS_TEST_TMPDIR/vol.txt")" = vol ]
}

flow_resources() {
    run pm run --rm --network none --memory 64m --cpus 0.5 --pids-limit 20 --cap-drop ALL demo sh -c \
        'cat /sys/fs/cgroup/memory/memory.limit_in_bytes /sys/fs/cgroup/memory.max 2>/dev/null
         cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us /sys/fs/cgroup/cpu.max 2>/dev/null
         cat /sys/fs/cgroup/pids/pids.max /sys/fs/cgroup/pids.max 2>/dev/null
         grep CapEff /proc/self/status'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *67108864* ]] || fail "memory: $output"
    [[ "$output" == *50000* ]] || fail "cpu: $output"
    [[ "$output" == *$'\n'20$'\n'* ]] || fail "pids: $output"
    [[ "$output" == *"CapEff:	0000000000000000"* ]] || fail "caps: $output"
    # The same limits seen from the host, in the cgroups of the container's init.
    local n="c-${RT##*/}" pid
    pm run -d --network none --name "$n" --memory 64m --cpus 0.5 --pids-limit 20 demo sleep 1000 >/dev/null
    pid=$(pm inspect -f '{{.State.Pid}}' "$n")
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        [ "$(cat "$(host_cg "$pid")/memory.max")" = 67108864 ]
        [ "$(cat "$(host_cg "$pid")/cpu.max")" = "50000 100000" ]
        [ "$(cat "$(host_cg "$pid")/pids.max")" = 20 ]
    else
        [ "$(cat "$(host_cg "$pid" memory)/memory.limit_in_bytes")" = 67108864 ]
        [ "$(cat "$(host_cg "$pid" cpu)/cpu.cfs_quota_us")" = 50000 ]
        [ "$(cat "$(host_cg "$pid" cpu)/cpu.cfs_period_us")" = 100000 ]
        [ "$(cat "$(host_cg "$pid" pids)/pids.max")" = 20 ]
    fi
    # podman update: the runtime's update --resources=FILE.
    run pm update --memory 100m --cpus 0.25 "$n"
    [ "$status" -eq 0 ] || fail "update: $output"
    if [ "$(stat -fc %T /sys/fs/cgroup)" = cgroup2fs ]; then
        [ "$(cat "$(host_cg "$pid")/memory.max")" = 104857600 ]
        [ "$(cat "$(host_cg "$pid")/cpu.max")" = "25000 100000" ]
    else
        [ "$(cat "$(host_cg "$pid" memory)/memory.limit_in_bytes")" = 104857600 ]
        [ "$(cat "$(host_cg "$pid" cpu)/cpu.cfs_quota_us")" = 25000 ]
    fi
    # One capability dropped: chown fails, and works with it kept.
    run pm run --rm --network none demo sh -c 'touch /tmp/f; chown 1000 /tmp/f 2>&1; echo rc=$?'
    [ "$output" = rc=0 ] || fail "chown with CAP_CHOWN: $output"
    run pm run --rm --network none --cap-drop CHOWN demo sh -c 'touch /tmp/f; chown 1000 /tmp/f 2>&1; echo rc=$?'
    [[ "$output" == *"Operation not permitted"*rc=1 ]] || fail "chown without CAP_CHOWN: $output"
}

# host_cg PID [CONTROLLER]: the host's directory of PID's cgroup (v2), or of
# its cgroup in CONTROLLER's hierarchy (v1).
host_cg() {
    if [ -z "${2:-}" ]; then
        echo "/sys/fs/cgroup$(awk -F: '$1 == "0" { print $3 }' "/proc/$1/cgroup")"
    else
        awk -F: -v c="$2" '{ n = split($2, a, ","); for (i = 1; i <= n; i++) if (a[i] == c) print "/sys/fs/cgroup/" c $3 }' "/proc/$1/cgroup"
    fi
}

@test "podman (ours): run" {
    run_flow "$RUNTIME" run
}

@test "podman (runc): run" {
    run_flow runc run
}

@test "podman (ours): stdin" {
    run_flow "$RUNTIME" stdin
}

@test "podman (runc): stdin" {
    run_flow runc stdin
}

@test "podman (ours): tty" {
    run_flow "$RUNTIME" tty
}

@test "podman (runc): tty" {
    run_flow runc tty
}

@test "podman (ours): detach_exec" {
    run_flow "$RUNTIME" detach_exec
}

@test "podman (runc): detach_exec" {
    run_flow runc detach_exec
}

@test "podman (ours): pause" {
    run_flow "$RUNTIME" pause
}

@test "podman (runc): pause" {
    run_flow runc pause
}

@test "podman (ours): stop_kill" {
    run_flow "$RUNTIME" stop_kill
}

@test "podman (runc): stop_kill" {
    run_flow runc stop_kill
}

@test "podman (ours): exec_tty" {
    run_flow "$RUNTIME" exec_tty
}

@test "podman (runc): exec_tty" {
    run_flow runc exec_tty
}

@test "podman (ours): readonly_tmpfs" {
    run_flow "$RUNTIME" readonly_tmpfs
}

@test "podman (runc): readonly_tmpfs" {
    run_flow runc readonly_tmpfs
}

@test "podman (ours): resources" {
    run_flow "$RUNTIME" resources
}

@test "podman (runc): resources" {
    run_flow runc resources
}

# README's snippet, with the path of the binary under test: podman names ours
# as its runtime, and the containers it runs are ours (our state directory).
@test "podman: README's containers.conf snippet makes ours podman's runtime" {
    local conf=$BATS_TEST_TMPDIR/containers.conf id
    cp "$BATS_FILE_TMPDIR/containers.conf" "$conf"
    sed -n '/^# containers.conf: ours as podman/,/^```$/p' "$PROJECT_ROOT/README.md" | sed '$d' |
        sed "s|\"/usr/local/bin/runtime\"|\"$RUNTIME\"|" >>"$conf"
    grep -q '^\[engine.runtimes\]' "$conf" || fail "README has no [engine.runtimes] snippet: $(cat "$conf")"
    grep -qF "\"$RUNTIME\"" "$conf" || fail "README's snippet does not name /usr/local/bin/runtime: $(cat "$conf")"
    export PM_CONF=$conf RT=-
    run pm info --format '{{.Host.OCIRuntime.Name}} {{.Host.OCIRuntime.Path}}'
    [ "$output" = "ours $RUNTIME" ] || fail "podman info: $output"
    id=$(pm run -d --network none demo sleep 1000)
    run "$RUNTIME" state "$id"
    [ "$status" -eq 0 ] || fail "not a container of ours: $output"
    [ "$(echo "$output" | jq -r .status)" = running ] || fail "$output"
    run pm exec "$id" cat /etc/issue
    [[ "$output" == "Welcome to the imagetool demo image"* ]] || fail "exec: $output"
    pm rm -f -t 0 "$id" >/dev/null
    assert_nothing_left
}

# Installed under the name runc, ours gets `--log-format json --log FILE` from
# podman, and its errors reach the user through that log.
@test "podman (ours named runc): errors through --log-format json" {
    ln -s "$RUNTIME" "$BATS_TEST_TMPDIR/runc"
    RT=$BATS_TEST_TMPDIR/runc
    run -127 pm run --rm --network none demo /nonexistent
    [[ "$output" == *"exec /nonexistent: no such file or directory"* ]] || fail "$output"
    run pm run --rm --network none demo sh -c 'echo hi; exit 3'
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [ "$output" = hi ] || fail "$output"
    assert_nothing_left
}
