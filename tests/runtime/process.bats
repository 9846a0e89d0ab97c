#!/usr/bin/env bats
# config.json "process" and the UTS fields: args, env, cwd, user, umask,
# rlimits, oomScoreAdj, hostname, domainname. Host-side checks read the
# init's /proc entries (the bare test rootfs has no /proc of its own).

load lib_core

setup() { core_setup; }
teardown() { core_teardown; }

@test "process: args and env reach the process; PATH from env finds it" {
    bundle sh -c 'echo "$FOO|$BAR"; echo "$PATH"'
    config_edit "$BUNDLE" '.process.env = ["FOO=foo value", "BAR=", "PATH=/bin"]'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "foo value|" ]
    [ "${lines[1]}" = "/bin" ]
}

@test "process: HOME comes from the container's /etc/passwd when env lacks it" {
    bundle sh -c 'echo "$HOME"'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$output" = /root ]
    config_edit "$BUNDLE" '.process.env += ["HOME=/elsewhere"]'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$output" = /elsewhere ]
}

@test "process: cwd is honoured; a missing one is made (as runc), one under a file fails naming it" {
    bundle pwd
    mkdir -p "$BUNDLE/rootfs/work/dir"
    config_edit "$BUNDLE" '.process.cwd = "/work/dir"'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = /work/dir ]
    # missing: made inside the rootfs, even when / is read-only, never outside
    ln -s /etc "$BUNDLE/rootfs/hostlink"
    config_edit "$BUNDLE" '.process.cwd = "/hostlink/no/such/dir" | .root.readonly = true'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = /etc/no/such/dir ] || fail "$output" # the link resolved inside the container
    [ -d "$BUNDLE/rootfs/etc/no/such/dir" ]
    [ ! -e /etc/no ]
    [ "$(stat -c %a "$BUNDLE/rootfs/etc/no/such/dir")" = 755 ]
    config_edit "$BUNDLE" '.process.cwd = "/bin/sh/dir" | .root.readonly = false'
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"process.cwd"*"/bin/sh/dir"*"Not a directory"* ]] || fail "$output"
    [ ! -e "$ROOT/$ID" ]
    config_edit "$BUNDLE" '.process.cwd = "relative"'
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
}

@test "process: a cwd only root may enter (/root 0700, and beneath a 0700 dir) works for uid 42, as in runc" {
    bundle sh -c 'pwd; id -u; ls . >/dev/null 2>&1 || echo unreadable'
    mkdir -p "$BUNDLE/rootfs/root" "$BUNDLE/rootfs/locked/inner"
    chmod 700 "$BUNDLE/rootfs/root" "$BUNDLE/rootfs/locked"
    local cwd expect
    for cwd in /root /locked/inner; do
        config_edit "$BUNDLE" ".process.cwd = \"$cwd\" | .process.user = {uid: 42, gid: 42}"
        # entered while privileged; what the user may not read stays unreadable
        expect=$(printf '%s\n42' "$cwd")
        [ "$cwd" = /root ] && expect="$expect"$'\n'unreadable
        run rt_stdout run --bundle "$BUNDLE" "$ID"
        [ "$status" -eq 0 ] || fail "$cwd: $output"
        [ "$output" = "$expect" ] || fail "$cwd: $output"
        if command -v runc >/dev/null; then
            run runc --root "$BATS_TEST_TMPDIR/runc-state" run -b "$BUNDLE" "$ID-runc"
            [ "$status" -eq 0 ] && [ "$output" = "$expect" ] || fail "runc, $cwd: $output"
        fi
    done
}

@test "process: user uid, gid and additionalGids" {
    bundle sh -c 'id -u; id -g; id -G'
    config_edit "$BUNDLE" '.process.user = {"uid": 1000, "gid": 1001, "additionalGids": [20, 30]}'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = 1001 ]
    [ "${lines[2]}" = "1001 20 30" ]
}

@test "process: host groups do not leak into the container" {
    bundle sh -c 'id -G'
    run setpriv --groups 4,24 sh -c '"$0" --root "$1" run --bundle "$2" "$3" 2>/dev/null' "$RUNTIME" "$ROOT" "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = 0 ]
}

@test "process: user switch is seen from the host too" {
    bundle sleep 100
    config_edit "$BUNDLE" '.process.user = {"uid": 123, "gid": 456, "additionalGids": [7]}'
    rt run -d --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    grep -E '^Uid:\s+123\s+123\s+123\s+123$' /proc/$pid/status
    grep -E '^Gid:\s+456\s+456\s+456\s+456$' /proc/$pid/status
    grep -E '^Groups:\s+7\s*$' /proc/$pid/status
}

@test "process: umask, default 0022" {
    bundle sh -c umask
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$output" = 0022 ]
    config_edit "$BUNDLE" '.process.user.umask = 23'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$output" = 0027 ]
}

@test "process: rlimits are set" {
    bundle sh -c 'ulimit -n; ulimit -Hn; ulimit -c'
    config_edit "$BUNDLE" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "soft": 123, "hard": 456},
                                              {"type": "RLIMIT_CORE", "soft": 0, "hard": 0}]'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 123 ]
    [ "${lines[1]}" = 456 ]
    [ "${lines[2]}" = 0 ]
}

@test "process: an rlimit above the host's hard limit fails create naming it" {
    bundle true
    hard=$(ulimit -Hn)
    config_edit "$BUNDLE" ".process.rlimits = [{\"type\": \"RLIMIT_NOFILE\", \"soft\": 10, \"hard\": $((hard * 4))}]"
    run rt create --bundle "$BUNDLE" "$ID"
    # root without CAP_SYS_RESOURCE (this host) cannot raise it; with it, it can
    if [ "$status" -ne 0 ]; then
        [[ "$output" == *"process.rlimits"*"RLIMIT_NOFILE"* ]]
        [ ! -e "$ROOT/$ID" ]
    fi
}

@test "process: oomScoreAdj is written" {
    bundle sleep 100
    config_edit "$BUNDLE" '.process.oomScoreAdj = 567'
    rt create --bundle "$BUNDLE" "$ID"
    [ "$(cat /proc/$(pid_of "$ID")/oom_score_adj)" = 567 ]
}

@test "process: hostname and domainname in the container's UTS namespace" {
    bundle sleep 100
    config_edit "$BUNDLE" '.hostname = "box-'"$ID"'" | .domainname = "example.test"'
    rt run -d --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    [ "$(nsenter -t "$pid" -u hostname)" = "box-$ID" ]
    [ "$(nsenter -t "$pid" -u cat /proc/sys/kernel/domainname)" = example.test ]
    [ "$(hostname)" != "box-$ID" ]
}

@test "process: hostname needs a uts namespace" {
    bundle true
    config_edit "$BUNDLE" '.hostname = "x" | .linux.namespaces |= map(select(.type != "uts"))'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"hostname: needs a uts namespace"* ]]
}

@test "process: a program missing from PATH fails create" {
    bundle nosuchprogram
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"nosuchprogram: executable file not found in \$PATH"* ]]
    [ ! -e "$ROOT/$ID" ]
}

# Clients match on these words: podman's exec exits 127 for "no such file or
# directory" and 126 for "permission denied", as with runc.
@test "process: a missing or non-executable program is named with runc's words" {
    bundle /nonexistent
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"exec /nonexistent: no such file or directory"* ]] || fail "$output"
    [ ! -e "$ROOT/$ID" ]
    config_edit "$BUNDLE" '.process.args = ["/etc/passwd"]'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"exec /etc/passwd: permission denied"* ]] || fail "$output"
    [ ! -e "$ROOT/$ID" ]
}

@test "process: missing args are refused" {
    bundle true
    config_edit "$BUNDLE" '.process.args = []'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"process.args"* ]]
}
