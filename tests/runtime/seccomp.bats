#!/usr/bin/env bats
# linux.seccomp in real containers: what the process inside sees when a
# rule matches, and what bad profiles get.

load lib_container

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

# A seccomp agent: accept one connection, save the message, answer the first
# notification with errno 95 (EOPNOTSUPP).
write_listener() {
    cat >"$BATS_TEST_TMPDIR/listener.py" <<'PY'
import fcntl, json, socket, struct, sys
path, out = sys.argv[1], sys.argv[2]
srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
srv.bind(path)
srv.listen(1)
open(out + ".ready", "w").close()
conn, _ = srv.accept()
msg, fds, _, _ = socket.recv_fds(conn, 65536, 1)
while True:
    more = conn.recv(65536)
    if not more:
        break
    msg += more
with open(out, "w") as f:
    json.dump({"message": json.loads(msg), "nfds": len(fds)}, f)
req = bytearray(80)                      # struct seccomp_notif
fcntl.ioctl(fds[0], 0xC0502100, req)     # SECCOMP_IOCTL_NOTIF_RECV
notif_id, pid, _, nr = struct.unpack_from("=QIIi", req)
resp = bytearray(struct.pack("=QqiI", notif_id, 0, -95, 0))
fcntl.ioctl(fds[0], 0xC0182101, resp)    # SECCOMP_IOCTL_NOTIF_SEND
with open(out + ".done", "w") as f:
    f.write("%d %d\n" % (pid, nr))
PY
}

@test "SCMP_ACT_NOTIFY: the listener gets the fd and the container process state, and answers the syscall" {
    python3 -c 'import socket; socket.recv_fds' 2>/dev/null || skip "python3 >= 3.9 needed"
    write_listener
    sock="$BATS_TEST_TMPDIR/agent.sock"
    out="$BATS_TEST_TMPDIR/agent.json"
    python3 "$BATS_TEST_TMPDIR/listener.py" "$sock" "$out" &
    LISTENER_PID=$!
    for _ in $(seq 100); do [ -e "$out.ready" ] && break; sleep 0.05; done
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$sock\", listenerMetadata: \"agent-meta\",
              syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}"
    config_edit "$BUNDLE" '.process.args = ["mkdir", "/dev/x"]'
    "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    pid=$("$RUNTIME" --root "$STATE" state "$ID" | jq .pid)
    run "$RUNTIME" --root "$STATE" start "$ID"
    for _ in $(seq 100); do [ -e "$out.done" ] && break; sleep 0.05; done
    wait "$LISTENER_PID"
    LISTENER_PID=
    run jq -r '[.nfds, .message.ociVersion, (.message.fds | join(",")), .message.pid, .message.metadata,
                .message.state.id, .message.state.status] | map(tostring) | join(" ")' "$out"
    [ "$output" = "1 1.0.2 seccompFd $pid agent-meta $ID creating" ]
    # the notification came from the container's process (the listener sees its host pid)
    [ "$(cut -d' ' -f1 "$out.done")" = "$pid" ]
}

@test "SCMP_ACT_NOTIFY: the syscall fails with the listener's answer inside the container" {
    python3 -c 'import socket; socket.recv_fds' 2>/dev/null || skip "python3 >= 3.9 needed"
    write_listener
    sock="$BATS_TEST_TMPDIR/agent.sock"
    out="$BATS_TEST_TMPDIR/agent.json"
    python3 "$BATS_TEST_TMPDIR/listener.py" "$sock" "$out" &
    LISTENER_PID=$!
    for _ in $(seq 100); do [ -e "$out.ready" ] && break; sleep 0.05; done
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$sock\",
              syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}"
    in_container 'mkdir /dev/x; echo status=$?'
    [[ "$output" == *"Operation not supported"* ]]   # EOPNOTSUPP from the listener
    [[ "$output" == *"status=1"* ]]
}

@test "a listenerPath without SCMP_ACT_NOTIFY rules is ignored, as runc ignores it" {
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BATS_TEST_TMPDIR/nobody.sock\",
              syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_ERRNO\"}]}"
    in_container 'mkdir /dev/x; echo status=$?'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"status=1"* ]] || fail "$output"
}

@test "SCMP_ACT_NOTIFY on write is refused with runc's reason; without listenerPath too" {
    seccomp "{defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$BATS_TEST_TMPDIR/agent.sock\",
              syscalls: [{names: [\"write\"], action: \"SCMP_ACT_NOTIFY\"}]}"
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'SCMP_ACT_NOTIFY cannot be used for "write"'* ]] || fail "$output"
}

@test "SCMP_ACT_NOTIFY without listenerPath is refused" {
    seccomp '{defaultAction: "SCMP_ACT_ALLOW", syscalls: [{names: ["mkdir"], action: "SCMP_ACT_NOTIFY"}]}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"linux.seccomp.listenerPath: required when a rule uses SCMP_ACT_NOTIFY"* ]]
}
