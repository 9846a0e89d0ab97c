#!/usr/bin/env bats
# linux.seccomp in real containers: what the process inside sees when a
# rule matches, and what bad profiles get.

load lib_container

setup_file() {
    export PROBE="$BATS_FILE_TMPDIR/probe"
    cc -static -O2 -o "$PROBE" "$PROJECT_ROOT/tests/lib/seccomp-probe.c"
}

setup() {
    container_setup
}

teardown() {
    container_teardown
    [ -z "${LISTENER_PID:-}" ] || kill "$LISTENER_PID" 2>/dev/null || true
}

# seccomp JSON: set linux.seccomp.
seccomp() {
    config_edit "$BUNDLE" ".linux.seccomp = $1"
}

# Every x86_64 syscall name the kernel headers know, except those given.
all_syscalls_but() {
    local skip=" $* "
    sed -n 's/^#define __NR_\([a-z0-9_]*\) [0-9]*$/\1/p' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
        while read -r n; do [[ "$skip" == *" $n "* ]] || echo "$n"; done | jq -R . | jq -s -c .
}

@test "SCMP_ACT_ERRNO with errnoRet: the syscall fails with that errno" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO", errnoRet: 122}]}'
    in_container 'mkdir /dev/x; echo status=$?; cat /proc/self/status'
    [[ "$output" == *"Disk quota exceeded"* ]]   # EDQUOT = 122
    [[ "$output" == *"status=1"* ]]
    [[ "$output" == *"Seccomp:	2"* ]]
}

@test "defaultAction SCMP_ACT_ERRNO with defaultErrnoRet applies to every syscall not allowed" {
    [ -r /usr/include/x86_64-linux-gnu/asm/unistd_64.h ] || skip "no x86_64 kernel headers"
    seccomp "{defaultAction: \"SCMP_ACT_ERRNO\", defaultErrnoRet: 122, syscalls: [{names: $(all_syscalls_but mkdir mkdirat), action: \"SCMP_ACT_ALLOW\"}]}"
    in_container 'mkdir /dev/x; echo status=$?; echo alive'
    [[ "$output" == *"Disk quota exceeded"* ]]
    [[ "$output" == *"alive"* ]]
}

@test "argument conditions: kill with signal 10 is refused, signal 0 is not" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["kill"], action: "SCMP_ACT_ERRNO", errnoRet: 1,
              args: [{index: 1, value: 10, op: "SCMP_CMP_EQ"}]}]}'
    in_container 'trap "" USR1; kill -0 $$ && echo zero-ok; kill -USR1 $$ || echo usr1-refused'
    [ "$status" -eq 0 ]
    [[ "$output" == *"zero-ok"* ]]
    [[ "$output" == *"usr1-refused"* ]]
}

@test "SCMP_ACT_KILL_PROCESS: the process dies of SIGSYS and run exits 128+31" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_KILL_PROCESS"}]}'
    config_edit "$BUNDLE" '.process.args = ["mkdir", "/dev/x"]'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 159 ]
    # the same in a child of the shell: the shell goes on
    in_container 'mkdir /dev/x; echo survived'
    [ "$status" -eq 0 ]
    [[ "$output" == *survived* ]]
}

@test "flags LOG and SPEC_ALLOW and the x86 architectures are accepted" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", architectures: ["SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32"],
              flags: ["SECCOMP_FILTER_FLAG_LOG", "SECCOMP_FILTER_FLAG_SPEC_ALLOW"],
              syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
    in_container 'mkdir /dev/x; grep Seccomp: /proc/self/status'
    [[ "$output" == *"Operation not permitted"* ]]
    [[ "$output" == *"Seccomp:	2"* ]]
}

@test "a syscall name libseccomp does not know is skipped, said only with --debug (as runc)" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["frobnicate_v2", "mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
    in_container 'mkdir /dev/x; echo done'
    [ "$status" -eq 0 ]
    [[ "$output" == *"Operation not permitted"* ]]
    [[ "$output" != *frobnicate_v2* ]] || fail "said without --debug: $output"
    run "$RUNTIME" --debug --root "$STATE" run -b "$BUNDLE" "$ID-debug"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *'syscall "frobnicate_v2" is unknown to libseccomp; skipped'* ]] || fail "$output"
}

@test "unknown action, operator or flag: create fails with exit 3 naming the field, nothing left" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_MAYBE"}]}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'linux.seccomp.syscalls[0].action: unknown action "SCMP_ACT_MAYBE"'* ]]
    [ ! -e "$STATE/$ID" ]
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["kill"], action: "SCMP_ACT_ERRNO", args: [{index: 1, value: 1, op: "SCMP_CMP_APPROX"}]}]}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'linux.seccomp.syscalls[0].args[0].op: unknown operator "SCMP_CMP_APPROX"'* ]]
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", flags: ["SECCOMP_FILTER_FLAG_TURBO"]}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'linux.seccomp.flags[0]: unknown flag "SECCOMP_FILTER_FLAG_TURBO"'* ]]
}

@test "without noNewPrivileges the filter still loads and CAP_SYS_ADMIN is not left behind" {
    config_edit "$BUNDLE" '.process.noNewPrivileges = false'
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]}'
    in_container 'mkdir /dev/x; cat /proc/self/status'
    [[ "$output" == *"Operation not permitted"* ]]
    [[ "$output" == *"NoNewPrivs:	0"* ]]
    [[ "$output" == *"Seccomp:	2"* ]]
    [[ "$output" == *"CapEff:	0000000020000420"* ]]
}

# The seccomp agent (tests/lib/seccomp-listener.py), on $SOCK, its
# findings in $OUT; ARGS go to it (--connections N).
start_listener() {
    python3 -c 'import socket; socket.recv_fds' 2>/dev/null || skip "python3 >= 3.9 needed"
    SOCK="$BATS_TEST_TMPDIR/agent.sock"
    OUT="$BATS_TEST_TMPDIR/agent.json"
    timeout 60 python3 "$BATS_TEST_DIRNAME/../lib/seccomp-listener.py" "$SOCK" "$OUT" "$@" &
    LISTENER_PID=$!
    for _ in $(seq 200); do [ -e "$OUT.ready" ] && break; sleep 0.05; done
}

# Until the agent answered a notification (or gave up).
wait_listener() {
    for _ in $(seq 200); do [ -e "$OUT.done" ] && break; sleep 0.05; done
    wait "$LISTENER_PID" || true
    LISTENER_PID=
}

# notify_on NAME...: SCMP_ACT_NOTIFY on those syscalls, to the agent.
notify_on() {
    local names
    names=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$SOCK\",
              syscalls: [{names: $names, action: \"SCMP_ACT_NOTIFY\"}]}"
}

# wait_stopped: until the container's process exited.
wait_stopped() {
    for _ in $(seq 100); do
        [ "$("$RUNTIME" --root "$STATE" state "$ID" | jq -r .status)" = stopped ] && return 0
        sleep 0.05
    done
    fail "container $ID still runs"
}

@test "SCMP_ACT_NOTIFY: the listener gets the fd and the container process state, and answers the syscall" {
    start_listener
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$SOCK\", listenerMetadata: \"agent-meta\",
              syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}"
    config_edit "$BUNDLE" '.process.args = ["mkdir", "/dev/x"]'
    "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    pid=$("$RUNTIME" --root "$STATE" state "$ID" | jq .pid)
    run "$RUNTIME" --root "$STATE" start "$ID"
    wait_listener
    run jq -r '[.nfds, .message.ociVersion, (.message.fds | join(",")), .message.pid, .message.metadata,
                .message.state.id, .message.state.status] | map(tostring) | join(" ")' "$OUT"
    [ "$output" = "1 1.0.2 seccompFd $pid agent-meta $ID creating" ]
    # the notification came from the container's process (the listener sees its host pid)
    [ "$(cut -d' ' -f1 "$OUT.done")" = "$pid" ]
}

@test "SCMP_ACT_NOTIFY: the syscall fails with the listener's answer inside the container" {
    start_listener
    notify_on mkdir mkdirat
    in_container 'mkdir /dev/x; echo status=$?'
    [[ "$output" == *"Operation not supported"* ]]   # EOPNOTSUPP from the listener
    [[ "$output" == *"status=1"* ]]
}

@test "SCMP_ACT_NOTIFY on sendmsg (run): the runtime takes the notify fd from the init, the container's sendmsg waits for the listener" {
    start_listener
    notify_on sendmsg
    # busybox ip talks to rtnetlink with sendmsg
    config_edit "$BUNDLE" '.process.args = ["ip", "addr", "add", "10.9.9.9/32", "dev", "lo"]'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [[ "$output" == *"rtnetlink: Operation not supported"* ]] || fail "$output"
    wait_listener
    [ "$(cut -d' ' -f2 "$OUT.done")" = 46 ] || fail "notified: $(cat "$OUT.done")"   # sendmsg
    run jq -r '[.nfds, .message.pid, .message.state.id, .message.state.status] | map(tostring) | join(" ")' "$OUT"
    [ "$output" = "1 $(cut -d' ' -f1 "$OUT.done") $ID creating" ] || fail "$output"
}

@test "SCMP_ACT_NOTIFY on sendto (create, start): start passes the init's notify fd on before the process runs" {
    start_listener
    notify_on sendto
    cp "$PROBE" "$BUNDLE/rootfs/probe"
    config_edit "$BUNDLE" '.process.args = ["/probe", "44"]'    # sendto
    "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1 ||
        fail "$(cat "$BATS_TEST_TMPDIR/out")"
    [ -p "$STATE/$ID/notify.fifo" ] || fail "no notify fifo"
    pid=$("$RUNTIME" --root "$STATE" state "$ID" | jq .pid)
    run "$RUNTIME" --root "$STATE" start "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$STATE/$ID/notify.fifo" ] || fail "notify fifo left"
    wait_listener
    wait_stopped
    [[ "$(cat "$BATS_TEST_TMPDIR/out")" == *"syscall-44=EOPNOTSUPP"* ]] || fail "$(cat "$BATS_TEST_TMPDIR/out")"
    [ "$(cat "$OUT.done")" = "$pid 44" ] || fail "notified: $(cat "$OUT.done")"
    run jq -r '[.nfds, .message.pid, .message.state.status] | map(tostring) | join(" ")' "$OUT"
    [ "$output" = "1 $pid creating" ] || fail "$output"
}

@test "SCMP_ACT_NOTIFY (create, start): an init that dies before its hand-over makes start fail, not hang" {
    start_listener
    notify_on sendto
    config_edit "$BUNDLE" '.process.args = ["true"] | .hooks.startContainer = [{path: "/bin/false"}]'
    "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1 ||
        fail "$(cat "$BATS_TEST_TMPDIR/out")"
    run timeout 20 "$RUNTIME" --root "$STATE" start "$ID"
    [ "$status" -eq 1 ] || fail "$status: $output"
    [[ "$output" == *"exited before it handed over its seccomp notify fd"* ]] || fail "$output"
}

# exec_notified SYSCALL CMD...: exec CMD in a running container whose
# profile notifies on SYSCALL; the agent answers the exec'd process.
exec_notified() {
    local name=$1
    shift
    start_listener --connections 2    # the container's init, then exec
    notify_on "$name"
    cp "$PROBE" "$BUNDLE/rootfs/probe"
    config_edit "$BUNDLE" '.process.args = ["sleep", "100"]'
    "$RUNTIME" --root "$STATE" run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null || fail "run -d failed"
    run "$RUNTIME" --root "$STATE" exec "$ID" "$@"
    wait_listener
}

@test "SCMP_ACT_NOTIFY on sendmsg (exec): the exec'd process's notify fd reaches the listener" {
    exec_notified sendmsg ip addr add 10.9.9.9/32 dev lo
    [[ "$output" == *"rtnetlink: Operation not supported"* ]] || fail "$output"
    [ "$(cut -d' ' -f2 "$OUT.done")" = 46 ] || fail "notified: $(cat "$OUT.done")"
    init=$("$RUNTIME" --root "$STATE" state "$ID" | jq .pid)
    [ "$(cut -d' ' -f1 "$OUT.done")" != "$init" ] || fail "the init was notified, not exec's process"
    run jq -r '[.nfds, .message.pid, .message.state.status] | map(tostring) | join(" ")' "$OUT"
    [ "$output" = "1 $init running" ] || fail "$output"
}

@test "SCMP_ACT_NOTIFY on sendto (exec): the exec'd process's notify fd reaches the listener" {
    exec_notified sendto /probe 44
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"syscall-44=EOPNOTSUPP"* ]] || fail "$output"
    [ "$(cut -d' ' -f2 "$OUT.done")" = 44 ] || fail "notified: $(cat "$OUT.done")"
}

@test "a listenerPath without SCMP_ACT_NOTIFY rules is ignored, as runc ignores it" {
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BATS_TEST_TMPDIR/nobody.sock\",
              syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\"}]}"
    in_container 'mkdir /dev/x; echo status=$?'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"status=1"* ]] || fail "$output"
}

@test "SCMP_ACT_NOTIFY on write is refused with runc's reason, in one line, before anything exists" {
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BATS_TEST_TMPDIR/agent.sock\",
              syscalls: [{names: [\"sendmsg\"], action: \"SCMP_ACT_ERRNO\"},
                         {names: [\"mkdir\", \"write\"], action: \"SCMP_ACT_NOTIFY\"}]}"
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ] || fail "$status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
    [[ "$output" == *'linux.seccomp.syscalls[1]: SCMP_ACT_NOTIFY cannot be used for "write"'* ]] || fail "$output"
    [ ! -e "$STATE/$ID" ] || fail "state left"
    # the same for exec, which checks the profile again
    seccomp '{defaultAction: "SCMP_ACT_ALLOW"}'
    config_edit "$BUNDLE" '.process.args = ["sleep", "100"]'
    "$RUNTIME" --root "$STATE" run -d -b "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null || fail "run -d failed"
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BATS_TEST_TMPDIR/agent.sock\",
              syscalls: [{names: [\"write\"], action: \"SCMP_ACT_NOTIFY\"}]}"
    run "$RUNTIME" --root "$STATE" exec "$ID" true
    [ "$status" -eq 3 ] || fail "$status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
    [[ "$output" == *'SCMP_ACT_NOTIFY cannot be used for "write"'* ]] || fail "$output"
}

@test "SCMP_ACT_NOTIFY: runc, the oracle, refuses write and accepts sendmsg and sendto, as we do" {
    command -v runc >/dev/null || skip "runc not installed"
    config_edit "$BUNDLE" '.process.args = ["true"]'
    notify_on write
    run runc --root "$BATS_TEST_TMPDIR/runc" run -b "$BUNDLE" "r$ID"
    [ "$status" -ne 0 ] && [[ "$output" == *"SCMP_ACT_NOTIFY cannot be used for the write syscall"* ]] ||
        fail "runc: $status: $output"
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ] || fail "ours: $status: $output"
    local name
    for name in sendmsg sendto; do
        rm -f "$BATS_TEST_TMPDIR"/agent.*
        start_listener --connections 2    # runc's container, then ours
        notify_on "$name"
        run runc --root "$BATS_TEST_TMPDIR/runc" run -b "$BUNDLE" "r$ID-$name"
        [ "$status" -eq 0 ] || fail "runc, $name: $status: $output"
        run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID-$name"
        [ "$status" -eq 0 ] || fail "ours, $name: $status: $output"
        wait_listener
        [ "$(jq .nfds "$OUT")" = 1 ] || fail "$name: no fd reached the listener from us"
    done
}

@test "SCMP_ACT_NOTIFY without listenerPath is refused" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY"* ]]
}
