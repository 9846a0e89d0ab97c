#!/usr/bin/env bats
# uids and gids of a process outside 0..2^31-1 are refused at validation
# (exit 3, one line, nothing left): (uid_t)-1 means "unchanged" to
# setresuid, so uid 4294967295 would run the process as root. Id maps may
# reach 4294967294.

load lib_core

setup() {
    core_setup
    path_searchable "$BUNDLE"
    bundle sh -c 'id -u; id -g; id -G'
}
teardown() { core_teardown; }

# refused JQ-FILTER MESSAGE: the filter's config is refused with MESSAGE.
refused() {
    config_edit "$BUNDLE" "$1"
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "not one line: $output"
    [[ $output == *"$2"* ]] || fail "$output"
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "state left: $(ls -A "$ROOT")"
}

@test "process.user.uid 4294967295 is refused, not run as root" {
    refused '.process.user.uid = 4294967295' 'process.user.uid: 4294967295 is outside 0..2147483647'
}

@test "process.user.gid 4294967295 is refused" {
    refused '.process.user.gid = 4294967295' 'process.user.gid: 4294967295 is outside 0..2147483647'
}

@test "an additional gid above 2^31-1 is refused, naming its index" {
    refused '.process.user.additionalGids = [5, 2147483648]' 'process.user.additionalGids[1]: 2147483648 is outside 0..2147483647'
}

@test "uid 2147483648 (just above) is refused, 2147483647 (the bound) runs as itself" {
    refused '.process.user.uid = 2147483648' 'process.user.uid: 2147483648 is outside'
    config_edit "$BUNDLE" '.process.user = {"uid": 2147483647, "gid": 2147483647}'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = 2147483647 ]
    [ "${lines[1]}" = 2147483647 ]
}

@test "id maps may cover every id but 4294967295 (the full \"0 0 4294967295\" map, as crun); beyond is refused" {
    local ns='.linux.namespaces = (.linux.namespaces | map(select(.type != "user"))) + [{"type":"user"}]'
    config_edit "$BUNDLE" "$ns | .linux.uidMappings = [{containerID: 0, hostID: 0, size: 4294967295}]
        | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 4294967295}]
        | .process.args = [\"cat\", \"/proc/self/uid_map\", \"/proc/self/gid_map\"]"
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(echo $output)" = "0 0 4294967295 0 0 4294967295" ] || fail "$output"
    ns="$ns | .linux.gidMappings = [{\"containerID\":0,\"hostID\":200000,\"size\":65536}]"
    refused "$ns | .linux.uidMappings = [{\"containerID\":0,\"hostID\":4294901760,\"size\":65536}]" \
        'linux.uidMappings[0]: hostID + size - 1: 4294967295 is outside 0..4294967294'
    refused "$ns | .linux.uidMappings = [{\"containerID\":4294967295,\"hostID\":100000,\"size\":1}]" \
        'linux.uidMappings[0]: containerID + size - 1: 4294967295 is outside'
}

@test "more than NGROUPS_MAX additional gids: refused at once with one line" {
    config_edit "$BUNDLE" '.process.user.additionalGids = [range(0; 70000)]'
    # at once: well under the time limit (yajl grows its arrays one element
    # at a time, which ASan's allocator makes slow: more time there)
    run timeout "$((${SANITIZE:+6 * }20))" "$RUNTIME" --root "$ROOT" run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *"process.user.additionalGids: 70000 entries, at most 65536"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "65536 additional gids (NGROUPS_MAX) are set" {
    config_edit "$BUNDLE" '.process.user.additionalGids = [range(1; 65537)] | .process.args = ["sh", "-c", "grep ^Groups: /proc/self/status | wc -w"]'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = 65537 ]
}
