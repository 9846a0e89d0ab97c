#!/usr/bin/env bats
# linux.sysctl: namespaced keys are written inside, others refused as runc does.

load lib_container

setup() {
    container_setup
}

teardown() {
    container_teardown
}

@test "net.* in the container's network namespace (dotted and slashed keys)" {
    local host_fwd host_ping
    host_fwd=$(cat /proc/sys/net/ipv4/ip_forward)
    host_ping=$(cat /proc/sys/net/ipv4/ping_group_range)
    config_edit "$BUNDLE" '.linux.sysctl = {"net.ipv4.ip_forward": "1", "net/ipv4/ping_group_range": "0 2147483647"}'
    in_container 'cat /proc/sys/net/ipv4/ip_forward /proc/sys/net/ipv4/ping_group_range'
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = 1 ]
    [[ ${lines[1]} == 0*2147483647 ]]
    [ "$(cat /proc/sys/net/ipv4/ip_forward)" = "$host_fwd" ]
    [ "$(cat /proc/sys/net/ipv4/ping_group_range)" = "$host_ping" ]
}

@test "IPC keys and fs.mqueue.* in the container's ipc namespace" {
    local host_shmmni
    host_shmmni=$(cat /proc/sys/kernel/shmmni)
    config_edit "$BUNDLE" '.linux.sysctl = {"kernel.shmmni": "1234", "fs.mqueue.msg_max": "42"}'
    in_container 'cat /proc/sys/kernel/shmmni /proc/sys/fs/mqueue/msg_max'
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = 1234 ]
    [ "${lines[1]}" = 42 ]
    [ "$(cat /proc/sys/kernel/shmmni)" = "$host_shmmni" ]
}

@test "kernel.domainname in the container's uts namespace" {
    config_edit "$BUNDLE" '.linux.sysctl = {"kernel.domainname": "example.test"}'
    in_container 'cat /proc/sys/kernel/domainname'
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = example.test ]
}

@test "a key no namespace isolates is refused before anything is written" {
    local before
    before=$(cat /proc/sys/kernel/core_pattern)
    config_edit "$BUNDLE" '.linux.sysctl = {"kernel.shmmni": "99", "kernel.core_pattern": "|/bin/evil"}'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"sysctl kernel.core_pattern is not in a separate kernel namespace"* ]]
    [ "$(cat /proc/sys/kernel/core_pattern)" = "$before" ]
    # no container state is left behind
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ]
}

@test "net.* without a network namespace is refused" {
    config_edit "$BUNDLE" '.linux.namespaces |= map(select(.type != "network")) | .linux.sysctl = {"net.ipv4.ip_forward": "1"}'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"sysctl net.ipv4.ip_forward is not allowed in the host's network namespace"* ]]
}

@test "IPC keys without an ipc namespace are refused" {
    config_edit "$BUNDLE" '.linux.namespaces |= map(select(.type != "ipc")) | .linux.sysctl = {"kernel.msgmax": "1"}'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"sysctl kernel.msgmax is not allowed in the host's ipc namespace"* ]]
}

@test "kernel.hostname is refused: the hostname field sets it" {
    config_edit "$BUNDLE" '.linux.sysctl = {"kernel.hostname": "x"}'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"sysctl kernel.hostname is not allowed: it conflicts with the hostname field"* ]]
}

@test "an unknown namespaced key names the file it could not open" {
    config_edit "$BUNDLE" '.linux.sysctl = {"net.ipv4.no_such_key": "1"}'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"sysctl net.ipv4.no_such_key: open /proc/sys/net/ipv4/no_such_key: No such file or directory"* ]]
}

# A key that passes the allow-list by its prefix and climbs out of it with
# "..": refused at validation (exit 3) in both forms, the host's value is
# untouched and no state directory is made. The value written would be the
# host's +1, restored below should the guard ever fail.
sysctl_escape_refused() {
    local key=$1 before
    before=$(cat /proc/sys/vm/overcommit_ratio)
    config_edit "$BUNDLE" ".linux.sysctl = {$(jq -n --arg k "$key" '$k'): \"$((before + 1))\"}"
    in_container true
    local now
    now=$(cat /proc/sys/vm/overcommit_ratio)
    [ "$now" = "$before" ] || { echo "$before" >/proc/sys/vm/overcommit_ratio; fail "host vm.overcommit_ratio changed to $now"; }
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "more than one line: $output"
    [[ $output == *"linux.sysctl: key \"$key\": an empty, \".\" or \"..\" component"* ]] || fail "$output"
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ] || fail "state left: $(ls -A "$STATE")"
}

@test "a slashed key with .. (net/../vm/overcommit_ratio) is refused, the host's value unchanged" {
    sysctl_escape_refused "net/../vm/overcommit_ratio"
}

@test "a key climbing out of fs/mqueue (fs/mqueue/../../vm/overcommit_ratio) is refused, the host's value unchanged" {
    sysctl_escape_refused "fs/mqueue/../../vm/overcommit_ratio"
}

@test "empty and . components are refused in both forms (net..ipv4.ip_forward, net/./ipv4/ip_forward)" {
    local key
    for key in "net..ipv4.ip_forward" "net/./ipv4/ip_forward" "net.ipv4.ip_forward."; do
        config_edit "$BUNDLE" ".linux.sysctl = {$(jq -n --arg k "$key" '$k'): \"1\"}"
        in_container true
        [ "$status" -eq 3 ] || fail "$key: status $status: $output"
        [[ $output == *"key \"$key\": an empty"* ]] || fail "$key: $output"
    done
}

@test "a refused key leaves no cgroup and no state directory (checked before clone)" {
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/sysctl-$ID\" | .linux.sysctl = {\"kernel.core_pattern\": \"x\"}"
    in_container true
    [ "$status" -eq 3 ] || fail "$output"
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ]
    [ -z "$(find /sys/fs/cgroup -maxdepth 2 -name "sysctl-$ID" 2>/dev/null)" ]
}
