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

@test "userns: bind sources the mapped root cannot reach (under a 0700 dir) are opened by root first, as in runc" {
    local locked="$BATS_TEST_TMPDIR/locked" rohost="$BATS_TEST_TMPDIR/rohost"
    mkdir -p "$locked/dir" "$rohost"
    echo in-dir >"$locked/dir/f"
    echo a-file >"$locked/file"
    ln -s "$locked/dir" "$BATS_TEST_TMPDIR/link-to-dir"
    chmod 700 "$locked"
    # a host mount that is read-only stays so, whatever the entry asks
    mount --bind "$rohost" "$rohost"
    mount -o remount,bind,ro "$rohost"
    userns_bundle sh -c 'cat /m/dir/f /m/file /m/link/f; ls /proc/self/fd | tr "\n" " "; echo; touch /m/rohost/x 2>&1 || echo ro-kept'
    config_edit "$BUNDLE" ".mounts += [
        {destination: \"/m/dir\", type: \"bind\", source: \"$locked/dir\", options: [\"rbind\", \"ro\"]},
        {destination: \"/m/file\", type: \"bind\", source: \"$locked/file\", options: [\"bind\"]},
        {destination: \"/m/link\", type: \"bind\", source: \"$BATS_TEST_TMPDIR/link-to-dir\", options: [\"bind\"]},
        {destination: \"/m/rohost\", type: \"bind\", source: \"$rohost\", options: [\"bind\", \"rw\"]}]"
    # targets the mapped root could not make in root's rootfs
    mkdir -p "$BUNDLE/rootfs/m/dir" "$BUNDLE/rootfs/m/link" "$BUNDLE/rootfs/m/rohost"
    touch "$BUNDLE/rootfs/m/file"
    run rt_stdout run --bundle "$BUNDLE" "$ID"
    umount "$rohost"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = in-dir ] && [ "${lines[1]}" = a-file ] && [ "${lines[2]}" = in-dir ] || fail "$output"
    # no fd of the host's came along: stdio, and ls's own directory
    [ "${lines[3]}" = "0 1 2 3 " ] || fail "fds: ${lines[3]}"
    [[ "${lines[4]}" == *"Read-only file system"* ]] && [ "${lines[5]}" = ro-kept ] || fail "$output"
    if command -v runc >/dev/null; then
        mount --bind "$rohost" "$rohost"
        mount -o remount,bind,ro "$rohost"
        run runc --root "$BATS_TEST_TMPDIR/runc-state" run -b "$BUNDLE" "$ID-runc"
        umount "$rohost"
        [ "$status" -eq 0 ] && [ "${lines[0]}" = in-dir ] && [ "${lines[1]}" = a-file ] || fail "runc: $output"
    fi
    # a source that is missing still fails in one line naming it
    config_edit "$BUNDLE" ".mounts[-1].source = \"$locked/missing\""
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"bind mount $locked/missing to "*"No such file or directory"* ]] || fail "$output"
    [ ! -e "$ROOT/$ID" ]
}
