#!/usr/bin/env bats
# Rootless podman drives the runtime (specs/rootless.md): a test user made
# for the suite (tests/lib/rootless.bash: subordinate ids written by the
# suite) runs `podman --runtime` ours with its own storage, run root and
# tmpdir under its home, on the demo image (tests/lib/make-demo-image.sh).
# podman runs the runtime as root inside podman's user namespace: the
# runtime's rootless cgroup rules apply (no cgroup where nothing is
# delegated). Each flow runs with ours and with runc, the oracle.

load ../lib/helpers
load ../lib/rootless
load ../imagetool/unpack_helpers

setup_file() {
    command -v podman >/dev/null || skip "podman is not installed"
    command -v runc >/dev/null || skip "runc (the oracle) is not installed"
    command -v newuidmap >/dev/null || skip "newuidmap is not installed (Debian's uidmap)"
    rootless_user_create
    rootless_user_load
    # podman as the user, with everything under its home and run dir
    cat >"$RL_BIN/pm" <<SH
#!/bin/sh
rt=\$1
shift
exec podman --runtime "\$rt" --root "$RL_HOME/pm/root" --runroot "$RL_HOME/run/pm" --tmpdir "$RL_HOME/run/pmtmp" \\
    --storage-driver vfs --cgroup-manager cgroupfs --events-backend file "\$@"
SH
    chmod 755 "$RL_BIN/pm"
    # the sanitizer build: LeakSanitizer at the runtime's exit, under
    # podman's user namespace, stalls it past podman's creation timeout
    if [ -n "${SANITIZE:-}" ]; then
        mv "$RL_BIN/runtime" "$RL_BIN/runtime.bin"
        printf '#!/bin/sh\nASAN_OPTIONS=detect_leaks=0 exec "%s" "$@"\n' "$RL_BIN/runtime.bin" >"$RL_BIN/runtime"
        chmod 755 "$RL_BIN/runtime"
    fi
    cp "$(command -v runc)" "$RL_BIN/runc"
    tar -C "$(demo_image)" -cf "$RL_HOME/demo.tar" .
    chown "$RL_UID:$RL_GID" "$RL_HOME/demo.tar"
    as_user pm "$RL_BIN/runc" load -q -i "$RL_HOME/demo.tar" >"$BATS_FILE_TMPDIR/load.out" 2>&1 ||
        skip "rootless podman cannot load an image here: $(tail -n1 "$BATS_FILE_TMPDIR/load.out")"
}

teardown_file() {
    if [ -f "$BATS_FILE_TMPDIR/rl-user" ]; then
        rootless_user_load
        as_user pm "$RL_BIN/runc" rm -a -f -t 0 >/dev/null 2>&1 || true
        # podman's pause process keeps the user namespace for the user's
        # next podman: the suite started it, the suite ends it
        local pid
        pid=$(cat "$RL_HOME/run/pmtmp/pause.pid" 2>/dev/null) &&
            [ "$(stat -c %u "/proc/$pid" 2>/dev/null)" = "$RL_UID" ] && kill "$pid" 2>/dev/null
    fi
    rootless_user_remove
}

teardown() {
    as_user pm "$RL_BIN/runc" rm -a -f -t 0 >/dev/null 2>&1 || true
}

# pm ARGS...: the user's podman with the runtime of this test ($RT).
pm() {
    as_user pm "$RL_BIN/$RT" "$@"
}

# nothing_left ID: no container, no process naming ID, no state of either
# runtime under the user's run dir, no mount naming it.
nothing_left() {
    run pm ps -a -q
    [ -z "$output" ] || fail "containers left: $output"
    ! pgrep -af "$1" || fail "process of $1 left"
    ! grep -q "$1" /proc/self/mountinfo || fail "mount of $1 left"
    [ ! -e "$RL_HOME/run/runtime/$1" ] || fail "state of $1 left (ours)"
    [ ! -e "$RL_HOME/run/runc/$1" ] || fail "state of $1 left (runc)"
}

flow_run() {
    run pm run --rm --network none demo sh -c 'id -u; cat /proc/self/uid_map; cat /etc/issue'
    [ "$status" -eq 0 ] || fail "$output"
    local body
    # (the runtime's once-per-state-root info line about cgroups may come first)
    body=$(grep -v '^runtime: ' <<<"$output" | tr -s ' ' | sed 's/^ //')
    [ "$(sed -n 1p <<<"$body")" = 0 ] || fail "$output"
    [ "$(sed -n 2p <<<"$body")" = "0 $RL_UID 1" ] || fail "$output"
    [ "$(sed -n 3p <<<"$body")" = "1 $RL_SUBID $RL_SUBCOUNT" ] || fail "$output"
    [[ "$output" == *"Welcome to the imagetool demo image"* ]] || fail "$output"
    run pm run --rm --network none demo sh -c 'exit 3'
    [ "$status" -eq 3 ] || fail "status $status: $output"
    run pm run --rm --network none --user 1000 demo id
    [ "$status" -eq 0 ] && [[ "$output" == "uid=1000(demo) gid=1000(demo)"* ]] || fail "$output"
    [ -z "$(pm ps -a -q)" ] || fail "containers left"
}

flow_exec_rm() {
    local n="x-$RT" id
    id=$(pm run -d --network none --name "$n" demo sleep 1000) || fail "$id"
    [ "$(pm inspect -f '{{.State.Status}}' "$n")" = running ]
    run pm exec "$n" sh -c 'id -u; cat /proc/1/cmdline | tr "\0" " "'
    [ "$status" -eq 0 ] && [ "$output" = "0"$'\n'"sleep 1000 " ] || fail "$output"
    run pm exec --user 1000 "$n" sh -c 'echo x >/tmp/by-demo; id -u'
    [ "$status" -eq 0 ] && [ "$output" = 1000 ] || fail "$output"
    # on the host: container uid 1000 is the user's subordinate id 1000-1+start
    local f
    f=$(find "$RL_HOME/pm/root" -path '*/tmp/by-demo' | head -n1)
    [ -n "$f" ] && [ "$(stat -c %u "$f")" = $((RL_SUBID + 999)) ] || fail "by-demo: $f $(stat -c %u "$f" 2>&1)"
    run pm exec "$n" sh -c 'exit 5'
    [ "$status" -eq 5 ] || fail "status $status: $output"
    run pm stop -t 1 "$n"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(pm inspect -f '{{.State.Status}}' "$n")" = exited ]
    run pm rm "$n"
    [ "$status" -eq 0 ] || fail "$output"
    nothing_left "$id"
}

@test "podman rootless (ours): run as the user: 0 is the user, 1.. its subordinate range; exit status; --user" {
    RT=runtime
    flow_run
}

@test "podman rootless (runc): run as the user: 0 is the user, 1.. its subordinate range; exit status; --user" {
    RT=runc
    flow_run
}

@test "podman rootless (ours): run -d, exec as 0 and as 1000, stop and rm leave nothing" {
    RT=runtime
    flow_exec_rm
    # ours ran it: its state root was the user's
    [ -d "$RL_HOME/run/runtime" ] || fail "no state root of ours under the user's run dir"
}

@test "podman rootless (runc): run -d, exec as 0 and as 1000, stop and rm leave nothing" {
    RT=runc
    flow_exec_rm
}
