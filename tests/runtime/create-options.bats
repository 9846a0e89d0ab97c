#!/usr/bin/env bats
# create's and run's options beyond the bundle: --preserve-fds and systemd
# socket activation (LISTEN_FDS/LISTEN_PID), the session keyring
# (--no-new-keyring), --no-pivot, run --keep, --systemd-cgroup.

load lib_core

setup_file() {
    make_bundle "$BATS_FILE_TMPDIR/proto" true
}

setup() {
    core_setup
    cp -a "$BATS_FILE_TMPDIR/proto" "$BUNDLE"
}
teardown() { core_teardown; }

# args 'shell command': the container runs it with sh -c.
args() {
    config_edit "$BUNDLE" ".process.args = [\"sh\", \"-c\", $(printf '%s' "$1" | jq -Rs .)]"
}

@test "create-options: --preserve-fds N passes fds 3..3+N-1 and no other; closed ones are skipped" {
    args 'ls /proc/self/fd | tr "\n" " "; read l <&4 && echo "$l"'
    run rt_stdout run --preserve-fds 2 -b "$BUNDLE" "$ID" 3</dev/null 4</etc/hostname 5</etc/hostname
    [ "$status" -eq 0 ]
    [ "$output" = "0 1 2 3 4 5 $(cat /etc/hostname)" ] # 5: ls's own directory
    args 'ls /proc/self/fd | tr "\n" " "'
    run rt_stdout run --preserve-fds 3 -b "$BUNDLE" "$ID" 3</dev/null 4<&- 5</etc/hostname
    [ "$status" -eq 0 ]
    [ "$output" = "0 1 2 3 4 5 " ]
}

@test "create-options: LISTEN_FDS for this runtime are handed on with LISTEN_PID=1, before --preserve-fds" {
    args 'echo "$LISTEN_FDS $LISTEN_PID"; read a <&3; read b <&4; echo "$a|$b"'
    echo fd3 >"$BATS_TEST_TMPDIR/a"
    echo fd4 >"$BATS_TEST_TMPDIR/b"
    run sh -c 'export LISTEN_PID=$$ LISTEN_FDS=1; exec "$@" 2>/dev/null' sh "$RUNTIME" --root "$ROOT" \
        run --preserve-fds 1 -b "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/a" 4<"$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "1 1" ]
    [ "${lines[1]}" = "fd3|fd4" ]
    # LISTEN_PID naming another process: not ours, nothing handed on
    args 'echo "[$LISTEN_FDS]"; ls /proc/self/fd | tr "\n" " "'
    run sh -c 'export LISTEN_PID=1 LISTEN_FDS=1; exec "$@" 2>/dev/null' sh "$RUNTIME" --root "$ROOT" \
        run -b "$BUNDLE" "$ID" 3<"$BATS_TEST_TMPDIR/a"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "[]" ]
    [ "${lines[1]}" = "0 1 2 3 " ]
}

@test "create-options: a new session keyring _ses.ID by default, the caller's with --no-new-keyring" {
    config_edit "$BUNDLE" '.linux.maskedPaths = []'
    args 'grep -c "keyring *_ses\.'"$ID"':" /proc/keys'
    run rt_stdout run -b "$BUNDLE" "$ID"
    [ "$output" = 1 ]
    # a fresh id: the first run's keyring may linger in /proc/keys until the kernel's gc
    args 'grep -c "keyring *_ses\.'"$ID"'-nk:" /proc/keys'
    run rt_stdout run --no-new-keyring -b "$BUNDLE" "$ID-nk"
    [ "$output" = 0 ]
    args 'grep -c "keyring *_ses\.'"$ID"'-nk:" /proc/keys'
    run rt_stdout run -b "$BUNDLE" "$ID-nk"
    [ "$output" = 1 ]
    # exec'd processes join the container's keyring too
    config_edit "$BUNDLE" '.process.args = ["sleep", "1000"]'
    rt run -d -b "$BUNDLE" "$ID-x" >/dev/null 2>&1 </dev/null
    run rt_stdout exec "$ID-x" sh -c 'grep "keyring *_ses\.'"$ID"'-x:" /proc/keys | wc -l'
    [ "$output" = 1 ]
}

@test "create-options: --no-pivot runs the container (chroot instead of pivot_root)" {
    args 'ls /; cat /proc/self/mountinfo | wc -l'
    run rt_stdout run --no-pivot -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [[ "$output" == *bin* ]]
}

@test "create-options: run --keep leaves the stopped container for delete" {
    args 'exit 4'
    run rt run --keep -b "$BUNDLE" "$ID"
    [ "$status" -eq 4 ]
    [ "$(status_of "$ID")" = stopped ]
    rt delete "$ID"
    run rt state "$ID"
    [ "$status" -eq 4 ]
    run rt run -b "$BUNDLE" "$ID"
    [ "$status" -eq 4 ]
    run rt state "$ID"
    [ "$status" -eq 4 ]
}

@test "create-options: --systemd-cgroup is one clear line where systemd is not the cgroup manager" {
    [ ! -d /run/systemd/system ] || skip "systemd runs here"
    run "$RUNTIME" --root "$ROOT" --systemd-cgroup run -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [ "$output" = "runtime: --systemd-cgroup: systemd is not the cgroup manager on this host (no /run/systemd/system); leave the flag out to use cgroupfs" ]
    [ ! -e "$ROOT/$ID" ]
    run "$RUNTIME" --root "$ROOT" --systemd-cgroup delete --force "$ID"
    [ "$status" -eq 0 ]
}
