#!/usr/bin/env bats
# process.terminal: a pty from the container's own devpts instance, its
# master sent to --console-socket (create, run -d, exec -d: what conmon and
# containerd's shim receive), or a foreground run/exec lending the caller's
# terminal (raw mode, window size, SIGWINCH). tests/lib/console-receiver.py
# plays the console socket's owner, tests/lib/pty-run.py the user's terminal.

load lib_core

RECEIVER="$BATS_TEST_DIRNAME/../lib/console-receiver.py"
PTYRUN="$BATS_TEST_DIRNAME/../lib/pty-run.py"

setup_file() {
    make_bundle "$BATS_FILE_TMPDIR/proto" sleep 1000
}

setup() {
    core_setup
    cp -a "$BATS_FILE_TMPDIR/proto" "$BUNDLE"
    SOCK="$BATS_TEST_TMPDIR/console.sock"
    OUT="$BATS_TEST_TMPDIR/console.out"
    INFO="$BATS_TEST_TMPDIR/console.info"
}

teardown() {
    core_teardown
    [ -z "${RECEIVER_PID:-}" ] || kill "$RECEIVER_PID" 2>/dev/null || true
}

# terminal_args 'shell command': the container's process, with a terminal.
terminal_args() {
    config_edit "$BUNDLE" ".process.terminal = true | .process.args = [\"sh\", \"-c\", $(printf '%s' "$1" | jq -Rs .)]"
}

# receive [--input TEXT]: start the console socket's owner; wait for its socket.
receive() {
    python3 "$RECEIVER" "$SOCK" "$OUT" --info "$INFO" "$@" 3>&- &
    RECEIVER_PID=$!
    local i
    for i in $(seq 100); do [ -S "$SOCK" ] && return 0; sleep 0.05; done
    fail "console receiver did not listen"
}

# received TEXT: wait (5 s) until the receiver got TEXT from the terminal.
received() {
    local i
    for i in $(seq 100); do grep -q "$1" "$OUT" 2>/dev/null && return 0; sleep 0.05; done
    fail "never saw '$1' in: $(cat -A "$OUT" 2>/dev/null)"
}

@test "terminal: create --console-socket sends the master; the process has a pty of its own devpts as stdio and /dev/console" {
    terminal_args 'tty; ls /dev/pts | tr "\n" " "; echo; stat -c "%t:%T" /dev/console /dev/pts/0; read x; echo "got:$x"'
    config_edit "$BUNDLE" '.process.consoleSize = {"height": 30, "width": 100}'
    receive --input $'hello\n'
    rt create --bundle "$BUNDLE" --console-socket "$SOCK" "$ID" >/dev/null 2>&1 </dev/null
    [ "$(cat "$INFO")" = "/dev/ptmx 30 100" ]
    rt start "$ID"
    received got:hello
    run cat "$OUT"
    [[ "$output" == *"/dev/pts/0"* ]]
    [[ "$output" == *"0 ptmx "* ]] # a new devpts instance: none of the host's ptys
    local dev=$(sed -n 's/^\([0-9a-f]*:[0-9a-f]*\)\r$/\1/p' "$OUT" | sort -u)
    [ "$dev" = "88:0" ] # /dev/console and /dev/pts/0 are the same pty (136:0)
}

@test "terminal: run -d --console-socket; exec --process F --detach --tty --console-socket S as conmon sends it" {
    local i
    config_edit "$BUNDLE" '.process.terminal = true'
    receive
    rt run -d --bundle "$BUNDLE" --console-socket "$SOCK" "$ID" >/dev/null 2>&1 </dev/null
    [ "$(status_of "$ID")" = running ]
    for i in $(seq 100); do [ -s "$INFO" ] && break; sleep 0.05; done
    [ "$(cut -d' ' -f1 "$INFO")" = /dev/ptmx ]
    kill "$RECEIVER_PID"
    rm -f "$SOCK" "$OUT"
    receive --input $'typed\n'
    jq -n '{terminal: true, args: ["sh", "-c", "tty; read x; echo exec-got:$x"], cwd: "/", env: ["PATH=/bin"],
            user: {uid: 0, gid: 0}}' >"$BATS_TEST_TMPDIR/p.json"
    rt exec --pid-file "$BATS_TEST_TMPDIR/pid" --process "$BATS_TEST_TMPDIR/p.json" --detach --tty \
        --console-socket "$SOCK" "$ID" >/dev/null 2>&1 </dev/null
    received exec-got:typed
    [ -s "$BATS_TEST_TMPDIR/pid" ]
    grep -q /dev/pts/1 "$OUT"
}

@test "terminal: foreground run on the caller's terminal: size, raw mode, SIGWINCH, exit status" {
    terminal_args 'trap "stty size; exit 7" WINCH; stty size; read x; echo "got:$x"; echo READY; sleep 5 & wait'
    run python3 "$PTYRUN" 33 77 --input $'hello\n' --resize-on READY 44 88 -- "$RUNTIME" --root "$ROOT" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 7 ]
    [[ "$output" == "33 77"$'\r\n'* ]]
    [[ "$output" == *"got:hello"$'\r\n'* ]]
    [[ "$output" == *"44 88"$'\r' ]] || fail "no resize in: $(cat -A <<<"$output")"
    # raw: the typed line is echoed once (by the container's pty), lines end in one \r
    [ "$(grep -c hello <<<"$output")" -eq 2 ] # the echo and got:hello
    [[ "$output" != *$'\r\r'* ]]
    run rt state "$ID"
    [ "$status" -eq 4 ]
}

@test "terminal: foreground exec -t on the caller's terminal" {
    rt run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
    run python3 "$PTYRUN" 20 60 --input $'abc\n' -- "$RUNTIME" --root "$ROOT" exec -t "$ID" \
        sh -c 'tty; stty size; read x; echo "got:$x"; exit 3'
    [ "$status" -eq 3 ]
    # (the typed line's echo may land between the lines)
    [[ "$output" == *"/dev/pts/0"$'\r\n'* ]]
    [[ "$output" == *"20 60"$'\r\n'* ]]
    [[ "$output" == *"got:abc"* ]]
    # without -t the same exec has no terminal
    run rt_stdout exec "$ID" sh -c 'tty || true'
    [ "$output" = "not a tty" ]
}

@test "terminal: a console socket nobody listens on fails create with one line, nothing left" {
    config_edit "$BUNDLE" '.process.terminal = true'
    run rt create --bundle "$BUNDLE" --console-socket "$BATS_TEST_TMPDIR/nobody.sock" "$ID"
    [ "$status" -ne 0 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"--console-socket: connect to $BATS_TEST_TMPDIR/nobody.sock"* ]]
    [ ! -e "$ROOT/$ID" ]
}
