#!/usr/bin/env bats
# containerd drives the runtime as it drives runc: the suite starts its own
# containerd (private root, state, sockets and /run; stopped by its PID),
# imports the demo image it builds, and runs containers with
# `ctr run --runc-binary PATH` through the runc shim (io.containerd.runc.v2),
# which calls create/start/exec/kill/ps/pause/resume/delete as
# ../shared/CLIENTS.md records. Every case runs twice: with our runtime and
# with runc, the oracle, so a failure of ours is not the suite's.

load ../lib/helpers
load ../lib/containerd

IMG=localhost/demo:demo

setup_file() {
    require_containerd
    ctd_config "$CTD_DIR/config.toml"
    ctd_start "$CTD_DIR/config.toml"
    ctd_import_demo
}

teardown_file() {
    ctd_stop
}

setup() {
    require_containerd
    [ -n "${CTD_PID:-}" ] || fail "containerd did not start"
    ID=$(unique_id)
}

teardown() {
    if [ -n "${BATS_TEST_COMPLETED:-}" ] || [ -z "${ID:-}" ]; then
        ctd_clean
        return 0
    fi
    echo "--- runtime log of $ID:" >&2
    shim_log "$ID" >&2
    ctd_clean
}

# rt_of NAME: the binary a case runs with.
rt_of() {
    case $1 in
    ours) echo "$RUNTIME" ;;
    runc) [ -n "$RUNC_BIN" ] || skip "runc is not installed"; echo "$RUNC_BIN" ;;
    esac
}

# state_ids RT: the ids in the runtime's own state root, as the shim keeps it.
state_ids() {
    ctd_exec "$1" --root "/run/containerd/runc/$CTD_NS" list -q 2>/dev/null || true
}

# on_pty CTR-ARGS...: ctr on a new 30x100 pty (tests/lib/pty-run.py).
on_pty() {
    python3 "$PTYRUN" 30 100 -- nsenter -t "$CTD_PID" -m ctr --address "$CTD_DIR/ctd.sock" --namespace "$CTD_NS" "$@"
}

# typed TEXT CTR-ARGS...: on_pty, with TEXT typed once the container printed.
typed() {
    local text=$1
    shift
    python3 "$PTYRUN" 30 100 --input "$text" -- nsenter -t "$CTD_PID" -m ctr --address "$CTD_DIR/ctd.sock" --namespace "$CTD_NS" "$@"
}

# A shell line printing the terminal's name and size, once ctr has set the
# size (ctr resizes just after the start).
TTY_REPORT='tty; i=0; until s=$(stty size 2>/dev/null) && [ -n "$s" ] && [ "$s" != "0 0" ] || [ $i -ge 150 ]; do sleep 0.1; i=$((i+1)); done; echo "size=$s after $i"'

# detached RT ID ARGS...: a task left running.
detached() {
    local rt=$1 id=$2
    shift 2
    ctr_ run -d --runc-binary "$rt" "$IMG" "$id" "$@"
    wait_status "$id" RUNNING
}

case_run_exit() {
    local rt
    rt=$(rt_of "$1")
    run -3 ctr_ run --rm --runc-binary "$rt" "$IMG" "$ID" sh -c 'echo "hello from $(cat /etc/os-release | grep ^ID=)"; exit 3'
    [[ "$output" == *"hello from ID=imagetool-demo"* ]] || fail "$output"
    run ctr_ containers ls -q
    [[ "$output" != *"$ID"* ]] || fail "container left: $output"
    [[ "$(state_ids "$rt")" != *"$ID"* ]] || fail "the runtime still lists $ID"
}

# feed ID: "piped" on stdout once the task runs, then EOF (ctr loses an EOF
# that comes before the task exists).
feed() {
    wait_status "$1" RUNNING >/dev/null 2>&1
    echo piped
}

pipe_stdin() {
    feed "$2" | ctr_ run --rm --runc-binary "$1" "$IMG" "$2" sh -c 'read -r line; echo "got $line"; cat; echo eof'
}

case_stdin() {
    local rt
    rt=$(rt_of "$1")
    run pipe_stdin "$rt" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = "got piped" ] || fail "$output"
    [ "${lines[1]}" = "eof" ] || fail "$output"
}

case_tty() {
    local rt
    rt=$(rt_of "$1")
    run -4 on_pty run -t --rm --runc-binary "$rt" "$IMG" "$ID" sh -c "$TTY_REPORT; exit 4"
    [[ "$output" == *"/dev/pts/0"* ]] || fail "$output"
    [[ "$output" == *"size=30 100"* ]] || fail "$output"
    run typed $'hello\r' run -t --rm --runc-binary "$rt" "$IMG" "$ID-in" sh -c 'echo ready; read -r x; echo "got=$x"'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"got=hello"* ]] || fail "$output"
}

case_exec() {
    local rt
    rt=$(rt_of "$1")
    detached "$rt" "$ID" sleep 1000
    run -5 ctr_ task exec --exec-id e1 "$ID" sh -c 'echo "in-exec pid1=$(cat /proc/1/cmdline | tr "\0" " ")"; exit 5'
    [[ "$output" == *"in-exec pid1=sleep 1000"* ]] || fail "$output"
    run ctr_ task exec --exec-id e2 --user 1000 "$ID" id
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == "uid=1000(demo) gid=1000(demo)"* ]] || fail "$output"
    run -6 on_pty task exec -t --exec-id e3 "$ID" sh -c "$TTY_REPORT; exit 6"
    [[ "$output" == *"/dev/pts/"* ]] || fail "$output"
    [[ "$output" == *"size=30 100"* ]] || fail "$output"
}

case_ps() {
    local rt pid
    rt=$(rt_of "$1")
    detached "$rt" "$ID" sleep 1000
    ctr_ task exec -d --exec-id bg "$ID" sleep 500
    pid=$(task_pid "$ID")
    run ctr_ task ps "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *$'\n'"$pid "* ]] || fail "init $pid not in: $output"
    local exec_pid
    exec_pid=$(awk '/ExecID:bg/ { print $1 }' <<<"$output")
    [ -n "$exec_pid" ] || fail "no exec bg in: $output"
    [ "$(tr '\0' ' ' </proc/"$exec_pid"/cmdline)" = "sleep 500 " ]
}

# counter PID: the value the container's counter last wrote.
counter() {
    cat "/proc/$1/root/tmp/n"
}

case_pause() {
    local rt pid a b
    rt=$(rt_of "$1")
    detached "$rt" "$ID" sh -c 'i=0; while :; do i=$((i+1)); echo $i >/tmp/n.new; mv /tmp/n.new /tmp/n; sleep 0.05; done'
    pid=$(task_pid "$ID")
    local i
    for i in $(seq 50); do [ -s "/proc/$pid/root/tmp/n" ] && break; sleep 0.1; done
    ctr_ task pause "$ID"
    [ "$(task_status "$ID")" = PAUSED ]
    if [ -f "/sys/fs/cgroup/freezer/$CTD_NS/$ID/freezer.state" ]; then
        [ "$(cat "/sys/fs/cgroup/freezer/$CTD_NS/$ID/freezer.state")" = FROZEN ]
    else
        [ "$(cat "/sys/fs/cgroup/$CTD_NS/$ID/cgroup.freeze")" = 1 ]
    fi
    a=$(counter "$pid")
    [ -n "$a" ] || fail "no counter"
    sleep 0.5
    b=$(counter "$pid")
    [ "$a" = "$b" ] || fail "the counter moved while paused: $a -> $b"
    ctr_ task resume "$ID"
    [ "$(task_status "$ID")" = RUNNING ]
    sleep 0.5
    b=$(counter "$pid")
    [ "$b" -gt "$a" ] || fail "the counter did not move after resume: $a -> $b"
}

case_metrics() {
    local rt
    rt=$(rt_of "$1")
    ctr_ run -d --memory-limit 67108864 --runc-binary "$rt" "$IMG" "$ID" sleep 1000
    wait_status "$ID" RUNNING
    run ctr_ task metrics "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    grep -Eq '^memory\.(limit_in_bytes|max) +67108864' <<<"$output" || fail "no 64 MiB limit in: $output"
    grep -Eq '^pids\.current +[1-9]' <<<"$output" || fail "no pids.current in: $output"
}

case_kill() {
    local rt out="$BATS_TEST_TMPDIR/out" ctr_pid
    rt=$(rt_of "$1")
    ctr_ run --rm --runc-binary "$rt" "$IMG" "$ID" sh -c 'trap "echo got TERM; exit 7" TERM; echo ready; while :; do sleep 0.1; done' >"$out" 2>&1 3>&- &
    ctr_pid=$!
    local i
    for i in $(seq 100); do grep -q ready "$out" && break; sleep 0.1; done
    ctr_ task kill "$ID"
    local st=0
    wait "$ctr_pid" || st=$?
    [ "$st" -eq 7 ] || fail "ctr run exited $st, not 7: $(cat "$out")"
    grep -q "got TERM" "$out"
    ctr_ run --rm --runc-binary "$rt" "$IMG" "$ID-k" sleep 1000 >/dev/null 2>&1 3>&- &
    ctr_pid=$!
    wait_status "$ID-k" RUNNING
    ctr_ task kill -s KILL "$ID-k"
    st=0
    wait "$ctr_pid" || st=$?
    [ "$st" -eq 137 ] || fail "ctr run exited $st after SIGKILL, not 137"
}

case_kill_all() {
    local rt exec_pid
    rt=$(rt_of "$1")
    detached "$rt" "$ID" sleep 1000
    ctr_ task exec -d --exec-id bg "$ID" sleep 500
    exec_pid=$(ctr_ task ps "$ID" | awk '/ExecID:bg/ { print $1 }')
    [ -n "$exec_pid" ]
    # The init (PID 1 of its namespace, no handler) ignores USR1; the exec'd
    # sleep dies of it only when --all reaches every process.
    ctr_ task kill -s USR1 "$ID"
    sleep 0.3
    [ -d "/proc/$exec_pid" ] || fail "a kill without --all reached the exec'd process"
    ctr_ task kill --all -s USR1 "$ID"
    local i
    for i in $(seq 50); do [ -d "/proc/$exec_pid" ] || break; sleep 0.1; done
    [ ! -d "/proc/$exec_pid" ] || fail "kill --all did not reach the exec'd process"
    [ "$(task_status "$ID")" = RUNNING ]
    ctr_ task kill --all -s KILL "$ID"
    wait_status "$ID" STOPPED
}

# A failing create and a failing exec: the shim reads the runtime's JSON log
# and shows its message; nothing is left in the runtime's state.
case_errors() {
    local rt
    rt=$(rt_of "$1")
    run ctr_ run --rm --runc-binary "$rt" "$IMG" "$ID" nosuchcmd
    [ "$status" -eq 1 ] || fail "$output"
    [[ "$output" == *"OCI runtime create failed"*"nosuchcmd"*"not found"* ]] || fail "$output"
    [[ "$(state_ids "$rt")" != *"$ID"* ]] || fail "the runtime still lists $ID"
    detached "$rt" "$ID-x" sleep 1000
    run ctr_ task exec --exec-id e1 "$ID-x" nosuchcmd
    [ "$status" -eq 1 ] || fail "$output"
    [[ "$output" == *"OCI runtime exec failed"*"nosuchcmd"*"not found"* ]] || fail "$output"
    run ctr_ task exec --exec-id e2 --cwd /nonexistent "$ID-x" pwd
    [ "$status" -eq 1 ] || fail "$output"
    [[ "$output" == *"OCI runtime exec failed"*"/nonexistent"* ]] || fail "$output"
    [ "$(task_status "$ID-x")" = RUNNING ]
}

# The pod pattern of Kubernetes through containerd: a sandbox owns the net,
# ipc and uts namespaces; containers join them by path, one shares its pid
# namespace too.
case_pod() {
    local rt sb pid
    rt=$(rt_of "$1")
    sb="$ID-sandbox"
    detached "$rt" "$sb" sleep 1000
    pid=$(task_pid "$sb")
    nsenter -t "$pid" -u hostname pod-"$1"
    nsenter -t "$pid" -n ip link set lo up
    nsenter -t "$pid" -i ipcmk -M 4096 >/dev/null
    local ns='--with-ns network:/proc/'$pid'/ns/net --with-ns ipc:/proc/'$pid'/ns/ipc --with-ns uts:/proc/'$pid'/ns/uts'
    # shellcheck disable=SC2086
    run ctr_ run --rm --runc-binary "$rt" $ns "$IMG" "$ID-app" sh -c \
        'hostname; ip -o link show lo; cat /proc/sysvipc/shm; for n in net ipc uts pid; do readlink /proc/self/ns/$n; done'
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = "pod-$1" ] || fail "$output"
    [[ "${lines[1]}" == *"LOOPBACK,UP"* ]] || fail "$output"
    grep -Eq ' 4096 ' <<<"$output" || fail "no shm segment of the sandbox in: $output"
    local n
    for n in net ipc uts; do
        grep -Fqx "$(readlink /proc/"$pid"/ns/$n)" <<<"$output" || fail "$n namespace not joined: $output"
    done
    ! grep -Fqx "$(readlink /proc/"$pid"/ns/pid)" <<<"$output" || fail "pid namespace joined without asking"
    run ctr_ run --rm --runc-binary "$rt" $ns --with-ns "pid:/proc/$pid/ns/pid" "$IMG" "$ID-pid" ps -o pid,args
    [ "$status" -eq 0 ] || fail "$output"
    grep -Eq '^ *1 +sleep 1000' <<<"$output" || fail "the sandbox's process is not PID 1 in: $output"
    # Without a pid namespace of its own, a container's leftovers outlive its
    # init; the shim's `kill --all ID 9` and the runtime's delete end them.
    run ctr_ run --rm --runc-binary "$rt" --with-ns "pid:/proc/$pid/ns/pid" "$IMG" "$ID-bg" sh -c 'sleep 777 & echo started'
    [ "$status" -eq 0 ] || fail "$output"
    local i
    for i in $(seq 50); do
        ctr_ task exec --exec-id "chk$i" "$sb" ps -o args | grep -q '^sleep 777' || break
        sleep 0.1
    done
    run ctr_ task exec --exec-id chk "$sb" ps -o args
    ! grep -q '^sleep 777' <<<"$output" || fail "the container's leftover survived: $output"
}

@test "containerd [ours]: ctr run: output, exit code 3, nothing left behind" { case_run_exit ours; }
@test "containerd [runc]: ctr run: output, exit code 3, nothing left behind" { case_run_exit runc; }
@test "containerd [ours]: ctr run: stdin piped, EOF reaches the process" { case_stdin ours; }
@test "containerd [runc]: ctr run: stdin piped, EOF reaches the process" { case_stdin runc; }
@test "containerd [ours]: ctr run -t: the container's pty, window size, typed input, exit code" { case_tty ours; }
@test "containerd [runc]: ctr run -t: the container's pty, window size, typed input, exit code" { case_tty runc; }
@test "containerd [ours]: task exec: output, exit code, --user, -t" { case_exec ours; }
@test "containerd [runc]: task exec: output, exit code, --user, -t" { case_exec runc; }
@test "containerd [ours]: task ps lists the init and an exec'd process" { case_ps ours; }
@test "containerd [runc]: task ps lists the init and an exec'd process" { case_ps runc; }
@test "containerd [ours]: task pause freezes the cgroup, resume thaws it" { case_pause ours; }
@test "containerd [runc]: task pause freezes the cgroup, resume thaws it" { case_pause runc; }
@test "containerd [ours]: task metrics: the memory limit and pids" { case_metrics ours; }
@test "containerd [runc]: task metrics: the memory limit and pids" { case_metrics runc; }
@test "containerd [ours]: task kill: SIGTERM to a trap (exit 7), SIGKILL (137)" { case_kill ours; }
@test "containerd [runc]: task kill: SIGTERM to a trap (exit 7), SIGKILL (137)" { case_kill runc; }
@test "containerd [ours]: task kill --all reaches exec'd processes, without --all only the init" { case_kill_all ours; }
@test "containerd [runc]: task kill --all reaches exec'd processes, without --all only the init" { case_kill_all runc; }
@test "containerd [ours]: a failing create or exec: the runtime's message reaches ctr, nothing left" { case_errors ours; }
@test "containerd [runc]: a failing create or exec: the runtime's message reaches ctr, nothing left" { case_errors runc; }
@test "containerd [ours]: pod: containers join the sandbox's net, ipc, uts (and pid) namespaces by path; leftovers end with it" { case_pod ours; }
@test "containerd [runc]: pod: containers join the sandbox's net, ipc, uts (and pid) namespaces by path; leftovers end with it" { case_pod runc; }

# readme_cri_snippet: the toml block README.md gives for the CRI plugin, with
# BinaryName pointing at the runtime under test.
readme_cri_snippet() {
    awk '/containerd-cri-snippet/ { on = 1; next } on && /^```toml/ { inside = 1; next }
         inside && /^```/ { exit } inside { print }' "$PROJECT_ROOT/README.md" |
        sed "s|\"/usr/local/bin/runtime\"|\"$RUNTIME\"|"
}

@test "containerd: README's runtime handler loads into the CRI plugin with BinaryName = ours" {
    local snippet
    snippet=$(readme_cri_snippet)
    [[ "$snippet" == *"BinaryName = \"$RUNTIME\""* ]] || fail "no snippet in README.md: $snippet"
    # A second containerd, CRI plugin on, beside the suite's.
    CTD_DIR="$BATS_TEST_TMPDIR/cri"
    ctd_config "$CTD_DIR/config.toml" "$snippet"
    ctd_start "$CTD_DIR/config.toml"
    run ctr_ plugins ls
    ctd_stop
    grep -Eq '^io\.containerd\.grpc\.v1 +cri +linux/[a-z0-9]+ +ok' <<<"$output" || fail "CRI plugin not ok: $output"
    run grep 'Start cri plugin with config' "$CTD_DIR/containerd.log"
    [[ "$output" == *"rt:{Type:io.containerd.runc.v2 "* ]] || fail "no handler rt: $output"
    [[ "$output" == *"DefaultRuntimeName:runc "* ]] || fail "the default handler changed: $output"
    [[ "$output" == *"rt:{Type:io.containerd.runc.v2 "*"Options:map[BinaryName:$RUNTIME]"*"runc:{"* ]] || fail "BinaryName is not ours: $output"
}
