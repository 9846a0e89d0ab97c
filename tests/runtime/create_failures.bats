#!/usr/bin/env bats
# create and run when the init dies during set-up, or the config is bad:
# one line, a documented exit code, no hang, nothing left behind (state
# directory, cgroup, process).

load lib_core

setup() {
    core_setup
    CG="secrt-cf-$ID"
}
teardown() {
    core_teardown
    local d
    for d in $(find /sys/fs/cgroup -maxdepth 3 -type d -name "$CG" 2>/dev/null); do rmdir "$d" 2>/dev/null || true; done
}

# nothing_left: no state directory, no cgroup named $CG.
nothing_left() {
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ] || fail "state left: $(ls -A "$ROOT")"
    local cgs
    cgs=$(find /sys/fs/cgroup -maxdepth 3 -type d -name "$CG" 2>/dev/null)
    [ -z "$cgs" ] || fail "cgroup left: $cgs"
}

@test "create whose init is killed during set-up (memory limit 4096) fails at once with one line" {
    bundle true
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/$CG\" | .linux.resources.memory = {\"limit\": 4096}"
    local t0=$SECONDS
    run timeout 20 "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 124 ] || fail "create hung (killed by timeout)"
    [ "$status" -eq 1 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "not one line: $output"
    [[ $output == *"the container's init was killed by signal 9"*"during set-up"* ]] || fail "$output"
    [ $((SECONDS - t0)) -lt 10 ]
    nothing_left
}

@test "the same with a user namespace (two-step start through an intermediate)" {
    bundle true
    path_searchable "$BUNDLE"
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/$CG\" | .linux.resources.memory = {\"limit\": 4096}
        | .linux.namespaces += [{\"type\":\"user\"}]
        | .linux.uidMappings = [{\"containerID\":0,\"hostID\":100000,\"size\":65536}]
        | .linux.gidMappings = [{\"containerID\":0,\"hostID\":100000,\"size\":65536}]"
    run timeout 20 "$RUNTIME" --root "$ROOT" create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 124 ] || fail "create hung (killed by timeout)"
    [ "$status" -eq 1 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "not one line: $output"
    nothing_left
}
