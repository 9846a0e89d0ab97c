#!/usr/bin/env bats
# User namespaces: uid/gid maps written by the parent, ids as seen inside and
# from the host, joining one by path.

load lib_core

setup() {
    core_setup
    # ids mapped into the namespace must be able to reach the rootfs
    path_searchable "$BUNDLE"
}
teardown() { core_teardown; }

userns_bundle() {
    bundle "$@"
    config_edit "$BUNDLE" '.linux.namespaces += [{"type":"user"}]
        | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
        | .linux.gidMappings = [{"containerID":0,"hostID":200000,"size":65536}]'
}

@test "userns: the maps are written and root inside is the mapped id outside" {
    userns_bundle sleep 100
    rt run -d --bundle "$BUNDLE" "$ID"
    pid=$(pid_of "$ID")
    [ "$(awk '{print $1, $2, $3}' /proc/$pid/uid_map)" = "0 100000 65536" ]
    [ "$(awk '{print $1, $2, $3}' /proc/$pid/gid_map)" = "0 200000 65536" ]
    grep -E '^Uid:\s+100000\s' /proc/$pid/status
    grep -E '^Gid:\s+200000\s' /proc/$pid/status
    [ "$(readlink /proc/$pid/ns/user)" != "$(readlink /proc/self/ns/user)" ]
}

@test "userns: ids inside are container ids" {
    userns_bundle sh -c 'id -u; id -g; id -G'
    config_edit "$BUNDLE" '.process.user = {"uid": 1000, "gid": 100, "additionalGids": [5]}'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [ "${lines[1]}" = 100 ]
    [ "${lines[2]}" = "100 5" ]
}

@test "userns: with every other namespace at once" {
    userns_bundle sh -c 'echo $$; hostname'
    config_edit "$BUNDLE" '.hostname = "inuserns" | .linux.namespaces += [{"type":"cgroup"}]'
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1 ]
    [ "${lines[1]}" = inuserns ]
}

@test "userns: mappings need a user namespace and vice versa" {
    bundle true
    config_edit "$BUNDLE" '.linux.uidMappings = [{"containerID":0,"hostID":100000,"size":10}]'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"without a new user namespace"* ]]
    config_edit "$BUNDLE" 'del(.linux.uidMappings) | .linux.namespaces += [{"type":"user"}]'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"needs linux.uidMappings"* ]]
    [ ! -e "$ROOT/$ID" ]
}

@test "userns: a map the kernel refuses fails create naming it, leaving nothing" {
    userns_bundle true
    config_edit "$BUNDLE" '.linux.uidMappings = [{"containerID":0,"hostID":100000,"size":10},{"containerID":5,"hostID":300000,"size":10}]'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"uid_map"*"uidMappings"* ]]
    [ ! -e "$ROOT/$ID" ]
}

@test "userns: joining a user namespace by path" {
    userns_bundle sleep 100
    rt run -d --bundle "$BUNDLE" "$ID-a"
    a=$(pid_of "$ID-a")
    bundle_b="$BATS_TEST_TMPDIR/b"
    make_bundle "$bundle_b" sleep 100
    config_edit "$bundle_b" '.linux.namespaces += [{"type":"user","path":"/proc/'"$a"'/ns/user"}]'
    rt run -d --bundle "$bundle_b" "$ID-b"
    b=$(pid_of "$ID-b")
    [ "$(readlink /proc/$b/ns/user)" = "$(readlink /proc/$a/ns/user)" ]
    [ "$(readlink /proc/$b/ns/mnt)" != "$(readlink /proc/$a/ns/mnt)" ]
    grep -E '^Uid:\s+100000\s' /proc/$b/status
}

@test "userns: a new user namespace while joining another container's network namespace" {
    bundle_a="$BATS_TEST_TMPDIR/a"
    make_bundle "$bundle_a" sleep 100
    rt run -d --bundle "$bundle_a" "$ID-a"
    a=$(pid_of "$ID-a")
    userns_bundle sleep 100
    config_edit "$BUNDLE" '.linux.namespaces |= map(if .type == "network" then .path = "/proc/'"$a"'/ns/net" else . end)'
    rt run -d --bundle "$BUNDLE" "$ID-b"
    b=$(pid_of "$ID-b")
    [ "$(readlink /proc/$b/ns/net)" = "$(readlink /proc/$a/ns/net)" ]
    [ "$(readlink /proc/$b/ns/user)" != "$(readlink /proc/self/ns/user)" ]
    [ "$(awk '{print $1, $2, $3}' /proc/$b/uid_map)" = "0 100000 65536" ]
    grep -E '^Uid:\s+100000\s' /proc/$b/status
    # b is pid 1 of a pid namespace owned by its user namespace
    [ "$(awk '/^NSpid/ {print $NF}' /proc/$b/status)" = 1 ]
}
