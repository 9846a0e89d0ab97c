#!/usr/bin/env bats
# /dev inside the container: default devices, linux.devices, the symlinks.

load lib_container

setup() {
    container_setup
}

teardown() {
    container_teardown
}

# Expected "type+mode major, minor" of each default device, as ls -l prints it.
check_default_devices() {
    local dev
    for dev in "null 1, 3" "zero 1, 5" "full 1, 7" "random 1, 8" "urandom 1, 9" "tty 5, 0"; do
        set -- $dev
        grep -qE "^crw-rw-rw- +1 0 +0 +$2 +$3 .* $1\$" <<<"$output" || fail "/dev/$1 $2 $3 missing in: $output"
    done
}

@test "default devices on the tmpfs /dev, with runc's modes and numbers" {
    in_container 'ls -ln /dev'
    [ "$status" -eq 0 ] || fail "$output"
    check_default_devices
}

@test "/dev symlinks: ptmx, fd, stdin, stdout, stderr" {
    in_container 'for l in ptmx fd stdin stdout stderr; do echo "$l=$(readlink /dev/$l)"; done; echo via-stdout > /dev/stdout'
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output == *"ptmx=pts/ptmx"* ]]
    [[ $output == *"fd=/proc/self/fd"* ]]
    [[ $output == *"stdin=/proc/self/fd/0"* ]]
    [[ $output == *"stdout=/proc/self/fd/1"* ]]
    [[ $output == *"stderr=/proc/self/fd/2"* ]]
    [[ $output == *via-stdout* ]]
}

@test "/dev/core links to /proc/kcore only where the kernel has it" {
    in_container 'readlink /dev/core || echo no-core'
    [ "$status" -eq 0 ] || fail "$output"
    if [ -e /proc/kcore ]; then [ "$output" = /proc/kcore ]; else [ "$output" = no-core ]; fi
}

@test "the devices work: /dev/null swallows, /dev/zero and /dev/urandom read" {
    in_container 'echo x > /dev/null && head -c 4 /dev/zero | od -An -tx1 && head -c 8 /dev/urandom | wc -c'
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output == *"00 00 00 00"* ]]
    [[ $output == *8* ]]
}

@test "linux.devices: mknod with type, numbers, mode, uid and gid" {
    config_edit "$BUNDLE" '.linux.devices = [
        {path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 416, uid: 1000, gid: 1001},
        {path: "/dev/sub/dir/blk", type: "b", major: 7, minor: 200, fileMode: 432},
        {path: "/dev/mypipe", type: "p"}]'
    in_container 'ls -ln /dev/fuse /dev/sub/dir/blk /dev/mypipe'
    [ "$status" -eq 0 ] || fail "$output"
    grep -qE '^crw-r----- +1 1000 +1001 +10, +229 .* /dev/fuse$' <<<"$output"
    grep -qE '^brw-rw---- +1 0 +0 +7, +200 .* /dev/sub/dir/blk$' <<<"$output"
    grep -qE '^prw-rw-rw- +1 0 +0 .* /dev/mypipe$' <<<"$output"
}

@test "linux.devices may replace a default device" {
    config_edit "$BUNDLE" '.linux.devices = [{path: "/dev/null", type: "c", major: 1, minor: 3, fileMode: 384}]'
    in_container 'ls -ln /dev/null'
    [ "$status" -eq 0 ] || fail "$output"
    grep -qE '^crw------- +1 0 +0 +1, +3 ' <<<"$output"
}

@test "without a /dev mount the devices are made in the rootfs's own /dev" {
    config_edit "$BUNDLE" '.mounts |= map(select(.destination != "/dev" and (.destination | startswith("/dev/") | not)))'
    in_container 'ls -ln /dev'
    [ "$status" -eq 0 ] || fail "$output"
    check_default_devices
    [ -c "$BUNDLE/rootfs/dev/null" ]
    [ "$(readlink "$BUNDLE/rootfs/dev/ptmx")" = pts/ptmx ]
}

@test "a bind-mounted /dev is left alone (runc's rule)" {
    mkdir "$BATS_TEST_TMPDIR/devdir"
    touch "$BATS_TEST_TMPDIR/devdir/marker"
    mknod -m 666 "$BATS_TEST_TMPDIR/devdir/null" c 1 3
    config_edit "$BUNDLE" ".mounts |= map(select(.destination | startswith(\"/dev\") | not))
        | .mounts += [{destination: \"/dev\", type: \"bind\", source: \"$BATS_TEST_TMPDIR/devdir\", options: [\"rbind\"]}]"
    in_container 'ls /dev'
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = "marker"$'\n'"null" ]
}

@test "a read-only /dev still gets its devices" {
    config_edit "$BUNDLE" '(.mounts[] | select(.destination == "/dev") | .options) += ["ro"]'
    in_container 'ls -ln /dev/null; touch /dev/newfile'
    [ "$status" -ne 0 ]
    grep -qE '^crw-rw-rw- +1 0 +0 +1, +3 ' <<<"$output"
    [[ $output == *"Read-only file system"* ]]
}

@test "devices outside /dev are made beneath the rootfs (as runc); a path with .. or an unknown type is refused" {
    config_edit "$BUNDLE" '.linux.devices = [{path: "/foo-dev", type: "c", major: 1, minor: 3, uid: 7, gid: 8},
        {path: "/subdir/foo-dev", type: "c", major: 1, minor: 5}]
        | .process.args = ["sh", "-c", "stat -c \"%n %F %a %u %g %t %T\" /foo-dev /subdir/foo-dev; echo x > /foo-dev && echo written"]'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = "/foo-dev character special file 666 7 8 1 3" ] || fail "$output"
    [ "${lines[1]}" = "/subdir/foo-dev character special file 666 0 0 1 5" ] || fail "$output"
    [ "${lines[2]}" = written ] || fail "$output"
    [ -c "$BUNDLE/rootfs/subdir/foo-dev" ] # on the rootfs, as runc leaves it
    if command -v runc >/dev/null; then
        rm -rf "$BUNDLE/rootfs/foo-dev" "$BUNDLE/rootfs/subdir"
        run runc --root "$BATS_TEST_TMPDIR/runc-state" run -b "$BUNDLE" "$ID-runc"
        [ "$status" -eq 0 ] && [ "${lines[0]}" = "/foo-dev character special file 666 7 8 1 3" ] || fail "runc: $output"
    fi
    config_edit "$BUNDLE" '.linux.devices = [{path: "/dev/../etc/evil", type: "c", major: 1, minor: 3}]'
    in_container true
    [ "$status" -eq 3 ]
    [[ $output == *'config.json: linux.devices: path /dev/../etc/evil: must be absolute, without ".."'* ]] || fail "$output"
    [ ! -e "$BUNDLE/rootfs/etc/evil" ]
    [ ! -e "$STATE/$ID" ] # refused before anything was made
    config_edit "$BUNDLE" '.linux.devices = [{path: "dev/rel", type: "c", major: 1, minor: 3}]'
    in_container true
    [ "$status" -eq 3 ] || fail "$output"
    config_edit "$BUNDLE" '.linux.devices = [{path: "/dev/odd", type: "x", major: 1, minor: 3}]'
    in_container true
    [ "$status" -eq 3 ]
    [[ $output == *"config.json: linux.devices: /dev/odd: unknown type x"* ]] || fail "$output"
}

@test "a symlink planted at /dev/x in the rootfs cannot redirect mknod to the host" {
    config_edit "$BUNDLE" '.mounts |= map(select(.destination | startswith("/dev") | not))'
    mkdir -p "$BATS_TEST_TMPDIR/hostdir"
    ln -s "$BATS_TEST_TMPDIR/hostdir" "$BUNDLE/rootfs/dev/sub"
    config_edit "$BUNDLE" '.linux.devices = [{path: "/dev/sub/null2", type: "c", major: 1, minor: 3}]'
    in_container 'ls -ln /dev/sub/null2'
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$BATS_TEST_TMPDIR/hostdir/null2" ]
    [ -c "$BUNDLE/rootfs$BATS_TEST_TMPDIR/hostdir/null2" ]
}

@test "in a user namespace the default devices are bind mounts of the host's nodes" {
    path_searchable "$BUNDLE"
    config_edit "$BUNDLE" '.linux.namespaces += [{"type":"user"}]
        | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
        | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
        | .linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229}]'
    [ -c /dev/fuse ] || skip "host has no /dev/fuse"
    in_container 'ls -ln /dev/null /dev/fuse /dev/tty; grep -E " /dev/(null|fuse|tty) " /proc/self/mountinfo; echo x > /dev/null && echo null-ok'
    [ "$status" -eq 0 ] || fail "$output"
    grep -qE '^crw-rw-rw- .* 1, +3 .* /dev/null$' <<<"$output"
    grep -qE '^c.* 10, +229 .* /dev/fuse$' <<<"$output"
    [ "$(grep -cE ' /dev/(null|fuse|tty) ' <<<"$output")" -eq 3 ]
    [[ $output == *null-ok* ]]
    # a root without CAP_MKNOD (inside another container): the host's node is bound
    command -v setpriv >/dev/null || return 0
    run setpriv --bounding-set -mknod "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    grep -qE '^c.* 10, +229 .* /dev/fuse$' <<<"$output" || fail "$output"
}

@test "in a user namespace linux.devices are made by root with the owner and mode asked, mapped (full and partial maps)" {
    path_searchable "$BUNDLE"
    local devs='[{path: "/dev/mydev", type: "c", major: 1, minor: 3, fileMode: 432, uid: 1000, gid: 1001},
        {path: "/foo-dev", type: "c", major: 1, minor: 5, uid: 7, gid: 8}]'
    local script='stat -c "%n %F %a %u %g %t %T" /dev/mydev /foo-dev; echo x > /foo-dev && echo written; head -c 3 /foo-dev | od -An -tx1'
    config_edit "$BUNDLE" ".linux.namespaces += [{type: \"user\"}]
        | .linux.uidMappings = [{containerID: 0, hostID: 0, size: 4294967295}]
        | .linux.gidMappings = [{containerID: 0, hostID: 0, size: 4294967295}]
        | .linux.devices = $devs"
    in_container "$script"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = "/dev/mydev character special file 660 1000 1001 1 3" ] || fail "$output"
    [ "${lines[1]}" = "/foo-dev character special file 666 7 8 1 5" ] || fail "$output"
    [ "${lines[2]}" = written ] && [ "$(echo ${lines[3]})" = "00 00 00" ] || fail "$output"
    # (usable nodes: not on a tmpfs of the user namespace, where the kernel refuses devices)
    # a partial map: the same owners inside, shifted on the host (the node is not the host's)
    config_edit "$BUNDLE" '.linux.uidMappings = [{containerID: 0, hostID: 100000, size: 65536}]
        | .linux.gidMappings = [{containerID: 0, hostID: 100000, size: 65536}]'
    in_container "$script"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = "/dev/mydev character special file 660 1000 1001 1 3" ] || fail "$output"
    [ "${lines[2]}" = written ] || fail "$output"
    [ ! -e /dev/mydev ]
    # an owner the maps do not hold: one line naming it
    config_edit "$BUNDLE" '.linux.devices[0].uid = 70000'
    in_container true
    [ "$status" -eq 3 ] || fail "$output"
    [[ $output == *"linux.devices[0] (/dev/mydev): its uid 70000 is not mapped in the user namespace"* ]] || fail "$output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
    [ ! -e "$STATE/$ID" ]
}

@test "oracle: /dev with linux.devices matches runc's" {
    command -v runc >/dev/null || skip "runc is not installed"
    config_edit "$BUNDLE" '.linux.devices = [{path: "/dev/fuse", type: "c", major: 10, minor: 229, fileMode: 432, uid: 5, gid: 6}]
        | .process.args = ["sh", "-c", "for f in /dev/*; do stat -c \"%n %F %a %u %g %t %T\" $f; readlink $f; done; true"]'
    run runc --root "$BATS_TEST_TMPDIR/runc-state" run -b "$BUNDLE" "$ID-runc"
    [ "$status" -eq 0 ] || fail "runc: $output"
    local theirs=$output
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = "$theirs" ] || fail "$(diff <(echo "$theirs") <(echo "$output"))"
    [[ $output == *"/dev/fuse character special file 660 5 6 a e5"* ]]
}
