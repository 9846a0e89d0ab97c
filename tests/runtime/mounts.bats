#!/usr/bin/env bats
# config.json mounts: what a process inside sees in /proc/self/mountinfo,
# option handling, targets created safely beneath the rootfs.

load ../lib/helpers

setup() {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    STATE="$BATS_TEST_TMPDIR/state"
    ID=$(unique_id)
    make_bundle "$BUNDLE"
}

teardown() {
    "$RUNTIME" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
    [ -z "${HOST_ESCAPE:-}" ] || rm -rf "$HOST_ESCAPE"
}

# in_container 'shell command': run it in a container of the bundle.
in_container() {
    config_edit "$BUNDLE" ".process.args = [\"sh\", \"-c\", $(printf '%s' "$1" | jq -Rs .)]"
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
}

# add_mount DEST TYPE SOURCE OPTIONS-JSON
add_mount() {
    config_edit "$BUNDLE" ".mounts += [{destination: \"$1\", type: \"$2\", source: \"$3\", options: $4}]"
}

# The mountinfo line of mount point $1 inside ($output holds mountinfo).
mountinfo_of() {
    awk -v p="$1" '$5 == p' <<<"$output" | tail -n1
}

@test "default config mounts what runc mounts, with runc's flags" {
    in_container 'cat /proc/self/mountinfo'
    [ "$status" -eq 0 ]
    [[ $(mountinfo_of /proc) == *" - proc proc "* ]]
    [[ $(mountinfo_of /dev) == *" rw,nosuid - tmpfs tmpfs "*mode=755* ]]
    [[ $(mountinfo_of /dev/pts) == *" rw,nosuid,noexec,relatime "*"- devpts devpts "*ptmxmode=666* ]]
    [[ $(mountinfo_of /dev/shm) == *" rw,nosuid,nodev,noexec,relatime "*"- tmpfs shm "*size=65536k* ]]
    [[ $(mountinfo_of /dev/mqueue) == *" - mqueue mqueue "* ]]
    [[ $(mountinfo_of /sys) == *" ro,nosuid,nodev,noexec,relatime "*"- sysfs sysfs "* ]]
    [[ $(mountinfo_of /sys/fs/cgroup) == *" ro,nosuid,nodev,noexec,relatime "*"- tmpfs tmpfs "* ]]
    [[ $(mountinfo_of /sys/fs/cgroup/memory) == *" ro,nosuid,nodev,noexec,relatime "*"- cgroup cgroup "*memory* ]]
}

@test "cgroup v1: each hierarchy is the container's own cgroup, read-only" {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "not a cgroup v1/hybrid host"
    in_container 'ls /sys/fs/cgroup; cat /sys/fs/cgroup/pids/cgroup.procs; echo 1 > /sys/fs/cgroup/pids/cgroup.procs'
    [ "$status" -ne 0 ]
    [[ $output == *memory* && $output == *pids* && $output == *cpu* ]]
    [[ $output == *"Read-only file system"* ]]
    # PID 1 of the container is listed in its own cgroup (pid namespace view)
    grep -qx 1 <<<"$output"
}

@test "bind mount of a host directory: writes show on the host" {
    mkdir "$BATS_TEST_TMPDIR/shared"
    add_mount /data bind "$BATS_TEST_TMPDIR/shared" '["bind"]'
    in_container 'echo hello > /data/f'
    [ "$status" -eq 0 ]
    [ "$(cat "$BATS_TEST_TMPDIR/shared/f")" = hello ]
}

@test "read-only bind mount: writes fail, mountinfo says ro" {
    mkdir "$BATS_TEST_TMPDIR/shared"
    add_mount /data bind "$BATS_TEST_TMPDIR/shared" '["rbind", "ro", "nosuid", "nodev"]'
    in_container 'grep " /data " /proc/self/mountinfo; touch /data/f'
    [ "$status" -ne 0 ]
    [[ $output == *" /data ro,nosuid,nodev,"* ]]
    [[ $output == *"Read-only file system"* ]]
    [ ! -e "$BATS_TEST_TMPDIR/shared/f" ]
}

@test "bind mount of a file creates a file target" {
    echo "from the host" >"$BATS_TEST_TMPDIR/hostfile"
    add_mount /etc/deep/new/file bind "$BATS_TEST_TMPDIR/hostfile" '["bind", "ro"]'
    in_container 'cat /etc/deep/new/file; test -f /etc/deep/new/file && echo is-a-file'
    [ "$status" -eq 0 ]
    [[ $output == *"from the host"* && $output == *is-a-file* ]]
    [ -f "$BUNDLE/rootfs/etc/deep/new/file" ]
}

@test "noexec bind mount: binaries there cannot run" {
    mkdir "$BATS_TEST_TMPDIR/bin"
    cp "$BUNDLE/rootfs/bin/busybox" "$BATS_TEST_TMPDIR/bin/"
    add_mount /xbin bind "$BATS_TEST_TMPDIR/bin" '["bind", "noexec"]'
    in_container '/xbin/busybox true'
    [ "$status" -ne 0 ]
    [[ $output == *"Permission denied"* ]]
}

@test "tmpfs data options reach the file system" {
    add_mount /scratch tmpfs tmpfs '["nosuid", "strictatime", "mode=700", "size=1m"]'
    in_container 'grep " /scratch " /proc/self/mountinfo; stat -c %a /scratch'
    [ "$status" -eq 0 ]
    [[ $output == *" /scratch rw,nosuid - tmpfs tmpfs rw,size=1024k,mode=700"* ]]
    [[ $output == *$'\n700'* ]]
}

@test "rbind carries submounts, bind does not; rro makes them read-only" {
    mkdir -p "$BATS_TEST_TMPDIR/src/sub"
    add_mount /plain bind "$BATS_TEST_TMPDIR/src" '["bind"]'
    add_mount /sub-tmp tmpfs tmpfs '[]'
    add_mount /rec bind "$BATS_TEST_TMPDIR/src" '["rbind"]'
    add_mount /rro bind "$BATS_TEST_TMPDIR/src" '["rbind", "rro"]'
    config_edit "$BUNDLE" '.process.args = ["sh", "-c", "ls /plain/sub /rec/sub; touch /rro/sub/x"]'
    # The host directory gets a submount (in a private mount namespace).
    run unshare -m --propagation private sh -c "mount -t tmpfs marker '$BATS_TEST_TMPDIR/src/sub' &&
        touch '$BATS_TEST_TMPDIR/src/sub/mark' && exec '$RUNTIME' --root '$STATE' run -b '$BUNDLE' '$ID'"
    [ "$status" -ne 0 ]
    [[ $output == *mark* ]]
    [ "$(grep -c mark <<<"$output")" -eq 1 ]
    [[ $output == *"/rro/sub/x"*"Read-only file system"* ]]
}

@test "propagation options: shared and unbindable show in mountinfo" {
    add_mount /sh tmpfs tmpfs '["shared"]'
    add_mount /unb tmpfs tmpfs '["unbindable"]'
    add_mount /priv tmpfs tmpfs '["rprivate"]'
    in_container 'cat /proc/self/mountinfo'
    [ "$status" -eq 0 ]
    [[ $(mountinfo_of /sh) == *" shared:"* ]]
    [[ $(mountinfo_of /unb) == *" unbindable "* ]]
    [[ $(mountinfo_of /priv) != *shared:* && $(mountinfo_of /priv) != *master:* ]]
}

@test "a symlink in the mount target cannot send the mount outside the rootfs (CVE-2021-30465)" {
    # /escape -> / : joined naively, rootfs/escape/tmp/NAME is the host's /tmp/NAME.
    name="rootfs-escape-$ID"
    HOST_ESCAPE="/tmp/$name"
    ln -s / "$BUNDLE/rootfs/escape"
    add_mount "/escape/tmp/$name" tmpfs tmpfs '[]'
    in_container "grep ' /tmp/$name ' /proc/self/mountinfo"
    [ "$status" -eq 0 ]
    [[ $output == *" /tmp/$name "*"- tmpfs "* ]]
    [ -d "$BUNDLE/rootfs/tmp/$name" ]
    [ ! -e "$HOST_ESCAPE" ]
}

@test "a symlinked bind target stays inside the rootfs" {
    mkdir "$BATS_TEST_TMPDIR/shared"
    HOST_ESCAPE="/tmp/rootfs-escape-dir-$ID"
    mkdir -p "$HOST_ESCAPE"
    ln -s "$HOST_ESCAPE" "$BUNDLE/rootfs/var/link"
    add_mount /var/link bind "$BATS_TEST_TMPDIR/shared" '["bind"]'
    in_container 'echo inside > /var/link/f; readlink /var/link'
    [ "$status" -eq 0 ]
    [ "$(cat "$BATS_TEST_TMPDIR/shared/f")" = inside ]
    [ -d "$BUNDLE/rootfs$HOST_ESCAPE" ]
    [ -z "$(ls -A "$HOST_ESCAPE")" ]
}

@test "mounts inside /proc are refused, as runc refuses them" {
    echo x >"$BATS_TEST_TMPDIR/f"
    add_mount /proc/self/attr/exec bind "$BATS_TEST_TMPDIR/f" '["bind"]'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"cannot be mounted because it is inside /proc"* ]]
    run "$RUNTIME" --root "$STATE" list -q
    [ -z "$output" ]
}

@test "a failing mount names the step, the source and the target" {
    add_mount /data bind /nonexistent-source-dir '["bind"]'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"mount /nonexistent-source-dir to $BUNDLE/rootfs/data"*"No such file or directory"* ]]
    add_mount /x nosuchfs none '[]'
    config_edit "$BUNDLE" '.mounts |= map(select(.destination != "/data"))'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"mount none to $BUNDLE/rootfs/x"*"No such device"* ]]
}
