#!/usr/bin/env bats
# linux.namespaces: new ones, the host's when absent, joining by path.

load lib_core

setup() { core_setup; }
teardown() { core_teardown; }

ns_of() { readlink "/proc/$1/ns/$2"; }

@test "namespaces: the listed ones are new, the others the host's" {
    bundle sleep 100
    config_edit "$BUNDLE" '.linux.namespaces = [{"type":"pid"},{"type":"mount"},{"type":"uts"},{"type":"ipc"},{"type":"cgroup"}]'
    rt run -d --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    for ns in pid mnt uts ipc cgroup; do
        [ "$(ns_of "$pid" $ns)" != "$(ns_of $$ $ns)" ] || fail "$ns is the host's"
    done
    [ "$(ns_of "$pid" net)" = "$(ns_of $$ net)" ]
    [ "$(ns_of "$pid" user)" = "$(ns_of $$ user)" ]
}

@test "namespaces: network namespace is new when listed" {
    bundle sleep 100
    rt run -d --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    [ "$(ns_of "$pid" net)" != "$(ns_of $$ net)" ]
    # only a loopback inside
    [ "$(nsenter -t "$pid" -n ip -o link | wc -l)" = 1 ]
}

@test "namespaces: the process is PID 1 of its pid namespace" {
    bundle sh -c 'echo $$'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
}

@test "namespaces: joining network, ipc, uts and pid namespaces by path" {
    bundle sleep 100
    rt run -d --bundle "$BUNDLE" "$ID-a"
    a=$(pid_of "$ID-a")
    config_edit "$BUNDLE" '.linux.namespaces = [{"type":"mount"},{"type":"network","path":"/proc/'"$a"'/ns/net"},
        {"type":"ipc","path":"/proc/'"$a"'/ns/ipc"},{"type":"uts","path":"/proc/'"$a"'/ns/uts"},
        {"type":"pid","path":"/proc/'"$a"'/ns/pid"}]'
    rt run -d --bundle "$BUNDLE" "$ID-b"
    b=$(pid_of "$ID-b")
    for ns in net ipc uts pid; do
        [ "$(ns_of "$b" $ns)" = "$(ns_of "$a" $ns)" ] || fail "$ns not joined"
    done
    [ "$(ns_of "$b" mnt)" != "$(ns_of "$a" mnt)" ]
    # b is not pid 1 in a's pid namespace
    [ "$(awk '/^NSpid/ {print $NF}' /proc/$b/status)" != 1 ]
}

@test "namespaces: a path that is no namespace of that type is refused before anything" {
    bundle true
    config_edit "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/self/ns/uts" else . end)'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"/proc/self/ns/uts is not a network namespace"* ]]
    [ ! -e "$ROOT/$ID" ]
    config_edit "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/no/such/ns" else . end)'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"/no/such/ns"* ]]
}

@test "namespaces: unknown and duplicate namespaces are refused" {
    bundle true
    config_edit "$BUNDLE" '.linux.namespaces += [{"type":"bogus"}]'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"linux.namespaces"*"bogus"* ]]
    config_edit "$BUNDLE" '.linux.namespaces = [{"type":"mount"},{"type":"pid"},{"type":"pid"}]'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"duplicate pid namespace"* ]]
    # (A config without a mount namespace runs: mount_options.bats.)
}

@test "namespaces: ipc namespace hides the host's message queues" {
    command -v ipcmk >/dev/null || skip "ipcmk missing"
    bundle sleep 100
    qid=$(ipcmk -Q | awk '{print $NF}')
    rt run -d --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    run nsenter -t "$pid" -i ipcs -q
    ipcrm -q "$qid"
    [[ "$output" != *"$qid"* ]]
}
