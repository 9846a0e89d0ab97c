#!/usr/bin/env bats
# OCI hooks: each kind at its moment and in its namespaces, with the state
# JSON on stdin, path/args/env/timeout; what a failing hook does (create
# fails and cleans up, poststart kills the container, poststop warns).

load lib_core

setup_file() {
    make_bundle "$BATS_FILE_TMPDIR/proto" true
    config_edit "$BATS_FILE_TMPDIR/proto" '.hostname = "hooked" | .root.readonly = false'
}

setup() {
    core_setup
    cp -a "$BATS_FILE_TMPDIR/proto" "$BUNDLE"
    LOG="$BATS_TEST_TMPDIR/hooks.log"
    # A host-side hook: logs its first argument, the state it read, the uts
    # namespace it runs in, and $X.
    HOOK="$BATS_TEST_TMPDIR/hook"
    cat >"$HOOK" <<HOOK
#!/bin/sh
state=\$(cat)
echo "\$1 \$(echo "\$state" | jq -r '[.status, (.pid|tostring), .id, .bundle] | join(" ")') \$(hostname) \${X:-}" >>"$LOG"
HOOK
    chmod +x "$HOOK"
    # The startContainer hook resolves in the container's root.
    printf '#!/bin/sh\necho "startContainer $(cat) $(hostname)" >>/hooks.log\n' >"$BUNDLE/rootfs/hook"
    chmod +x "$BUNDLE/rootfs/hook"
}
teardown() { core_teardown; }

# hook_entry KIND [extra jq object fields]: a hook object running $HOOK KIND.
hook_entry() {
    echo "{\"path\": \"$HOOK\", \"args\": [\"hook\", \"$1\"]${2:+, $2}}"
}

all_hooks() {
    config_edit "$BUNDLE" ".hooks = {
        prestart: [$(hook_entry prestart)],
        createRuntime: [$(hook_entry createRuntime)],
        createContainer: [$(hook_entry createContainer)],
        startContainer: [{path: \"/hook\"}],
        poststart: [$(hook_entry poststart)],
        poststop: [$(hook_entry poststop)]}"
}

@test "hooks: every kind runs once, in order, with the state of its moment, in its namespaces" {
    all_hooks
    config_edit "$BUNDLE" '.process.args = ["sleep", "1000"]'
    rt create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
    local pid=$(pid_of "$ID") host=$(hostname)
    run cat "$LOG"
    [ "${lines[0]}" = "prestart creating $pid $ID $BUNDLE $host " ]
    [ "${lines[1]}" = "createRuntime creating $pid $ID $BUNDLE $host " ]
    [ "${lines[2]}" = "createContainer creating $pid $ID $BUNDLE hooked " ]
    [ "${#lines[@]}" -eq 3 ]
    [ ! -e "$BUNDLE/rootfs/hooks.log" ]
    rt start "$ID"
    run cat "$BUNDLE/rootfs/hooks.log"
    [[ "$output" == "startContainer {"*'"status":"created"'*'"pid":'"$pid"*"} hooked" ]]
    run cat "$LOG"
    [ "${lines[3]}" = "poststart running $pid $ID $BUNDLE $host " ]
    [ "${#lines[@]}" -eq 4 ]
    rt delete --force "$ID"
    run cat "$LOG"
    [ "${lines[4]}" = "poststop stopped $pid $ID $BUNDLE $host " ]
    [ "${#lines[@]}" -eq 5 ]
}

@test "hooks: run goes through them all; args and env as given" {
    all_hooks
    config_edit "$BUNDLE" ".hooks.poststart = [$(hook_entry poststart '"env": ["X=from-env", "PATH=/usr/bin:/bin"]')]"
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    run cut -d' ' -f1,2 "$LOG"
    [ "$(echo $output)" = "prestart creating createRuntime creating createContainer creating poststart running poststop stopped" ]
    grep -q "^poststart .* from-env$" "$LOG"
    grep -q "^startContainer" "$BUNDLE/rootfs/hooks.log"
}

@test "hooks: a failing prestart fails create with its message, leaves nothing, poststop still runs" {
    printf '#!/bin/sh\necho "no network for you" >&2\nexit 3\n' >"$BATS_TEST_TMPDIR/bad"
    chmod +x "$BATS_TEST_TMPDIR/bad"
    config_edit "$BUNDLE" ".hooks = {prestart: [{path: \"$BATS_TEST_TMPDIR/bad\"}], poststop: [$(hook_entry poststop)]}"
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [ "${#lines[@]}" -eq 1 ]
    [ "$output" = "runtime: hooks.prestart[0]: $BATS_TEST_TMPDIR/bad: exit status 3: no network for you" ]
    [ ! -e "$ROOT/$ID" ]
    [ ! -e "/sys/fs/cgroup/pids/$ID" ]
    grep -q "^poststop stopped" "$LOG"
}

@test "hooks: a failing createContainer hook and a timed-out createRuntime hook fail create" {
    config_edit "$BUNDLE" '.hooks = {createContainer: [{path: "/no/such/hook"}]}'
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"hooks.createContainer[0]: /no/such/hook: exit status 127: exec /no/such/hook: No such file or directory" ]]
    [ ! -e "$ROOT/$ID" ]
    config_edit "$BUNDLE" '.hooks = {createRuntime: [{path: "/bin/sleep", args: ["sleep", "30"], timeout: 1}]}'
    SECONDS=0
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"hooks.createRuntime[0]: /bin/sleep: timed out after 1 s" ]]
    [ "$SECONDS" -lt 10 ]
    [ ! -e "$ROOT/$ID" ]
}

@test "hooks: a failing poststart fails start and kills the container; a failing poststop only warns" {
    config_edit "$BUNDLE" '.process.args = ["sleep", "1000"] | .hooks = {poststart: [{path: "/bin/false"}], poststop: [{path: "/bin/false"}]}'
    rt create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
    run rt start "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"hooks.poststart[0]: /bin/false: exit status 1" ]]
    wait_status "$ID" stopped
    run rt delete "$ID"
    [ "$status" -eq 0 ]
    [[ "$output" == *"warning: hooks.poststop[0]: /bin/false: exit status 1" ]]
    run rt state "$ID"
    [ "$status" -eq 4 ]
}
