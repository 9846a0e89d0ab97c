#!/usr/bin/env bats
# config.json mounts: what a process inside sees in /proc/self/mountinfo,
# option handling, targets created safely beneath the rootfs.

load lib_container
load ../lib/vm

setup() {
    container_setup
}

teardown() {
    container_teardown
    [ -z "${HOST_ESCAPE:-}" ] || rm -rf "$HOST_ESCAPE"
    [ -z "${HOST_MOUNT:-}" ] || umount "$HOST_MOUNT"
    [ -z "${SWAPPER:-}" ] || kill "$SWAPPER" 2>/dev/null || true
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
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/rootfs-test-$ID\""
    in_container 'cat /proc/self/mountinfo; ls /sys/fs/cgroup; echo 1 > /sys/fs/cgroup/pids/cgroup.procs'
    [ "$status" -ne 0 ]
    local h
    for h in memory pids cpu cpuacct cpuset devices freezer blkio systemd; do
        [ -d "/sys/fs/cgroup/$h" ] || continue
        [[ $(mountinfo_of "/sys/fs/cgroup/$h" | cut -d' ' -f4) == */rootfs-test-$ID ]] ||
            fail "$h: $(mountinfo_of "/sys/fs/cgroup/$h")"
    done
    # the unified hierarchy of the hybrid host is not mounted (runc does not either)
    [[ $output != *" - cgroup2 "* ]]
    [[ $output == *"Read-only file system"* ]]
}

@test "cgroup v1 in a cgroup namespace: fresh cgroup mounts rooted at the namespace" {
    [ "$(stat -f -c %T /sys/fs/cgroup)" = tmpfs ] || skip "not a cgroup v1/hybrid host"
    config_edit "$BUNDLE" ".linux.namespaces += [{type: \"cgroup\"}] | .linux.cgroupsPath = \"/rootfs-test-$ID\""
    in_container 'cat /proc/self/mountinfo; cat /proc/self/cgroup'
    [ "$status" -eq 0 ] || fail "$output"
    [[ $(mountinfo_of /sys/fs/cgroup/memory) == *" / /sys/fs/cgroup/memory ro,"*"- cgroup cgroup "*memory* ]]
    [[ $output == *"memory:/"$'\n'* ]]
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

@test "a mount target swapped with a symlink while containers start never lands outside (race)" {
    name="rootfs-race-$ID"
    HOST_ESCAPE="/tmp/$name"
    mkdir -p "$BUNDLE/rootfs/swap/tmp/$name"
    ln -s / "$BUNDLE/rootfs/swap.link"
    add_mount "/swap/tmp/$name" tmpfs tmpfs '[]'
    # Wherever the swap sent it (the directory may have been renamed since),
    # the tmpfs must be in the container's tree.
    config_edit "$BUNDLE" ".process.args = [\"sh\", \"-c\",
        \"grep -q -e ' /swap/tmp/$name ' -e ' /swap.link/tmp/$name ' -e ' /tmp/$name ' /proc/self/mountinfo && echo inside\"]"
    # Exchange /swap (a directory) and /swap.link (-> /) atomically, nonstop.
    python3 -c '
import ctypes, os, sys, time
libc = ctypes.CDLL(None, use_errno=True)
a, b = (os.fsencode(p) for p in sys.argv[1:3])
end = time.time() + 20
while time.time() < end:
    libc.renameat2(-100, a, -100, b, 2)  # RENAME_EXCHANGE
' "$BUNDLE/rootfs/swap" "$BUNDLE/rootfs/swap.link" &
    SWAPPER=$!
    local i ran=0
    for i in $(seq 40); do
        if out=$("$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID-$i" 2>&1); then
            [ "$out" = inside ] || fail "run $i: the mount is not inside the container: $out"
            ran=$((ran + 1))
        fi
        [ ! -e "$HOST_ESCAPE" ] || fail "run $i reached the host's $HOST_ESCAPE"
    done
    kill "$SWAPPER"
    echo "# $ran of 40 runs started" >&3
    [ "$ran" -gt 0 ]
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ]
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
    # no container state is left behind
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ]
}

@test "a failing mount names the step, the source and the target" {
    add_mount /data bind /nonexistent-source-dir '["bind"]'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"mount /nonexistent-source-dir to $BUNDLE/rootfs/data"*"No such file or directory"* ]]
    add_mount /x nosuchfs none '[]'
    config_edit "$BUNDLE" '.mounts |= map(select(.destination != "/data"))'
    in_container true
    # an unknown type is known before anything is made (mount_validate.c)
    [ "$status" -eq 3 ]
    [[ $output == *'mount /x: file system type "nosuchfs" is not known to this kernel' ]] || fail "$output"
}

@test "user namespace: a read-only bind keeps the flags the kernel locks (nosuid, nodev, noexec)" {
    path_searchable "$BUNDLE"
    HOST_MOUNT="$BATS_TEST_TMPDIR/locked"
    mkdir "$HOST_MOUNT"
    mount -t tmpfs -o nosuid,nodev,noexec,mode=755 tmpfs "$HOST_MOUNT"
    echo data >"$HOST_MOUNT/f"
    config_edit "$BUNDLE" '.linux.namespaces += [{"type":"user"}]
        | .linux.uidMappings = [{"containerID":0,"hostID":100000,"size":65536}]
        | .linux.gidMappings = [{"containerID":0,"hostID":100000,"size":65536}]'
    mkdir "$BUNDLE/rootfs/data"  # the rootfs belongs to host root, not the mapped root
    add_mount /data bind "$HOST_MOUNT" '["bind", "ro"]'
    in_container 'cat /data/f; grep " /data " /proc/self/mountinfo; touch /data/x'
    [ "$status" -ne 0 ]
    [[ $output == *data* ]]
    [[ $output == *" /data ro,nosuid,nodev,noexec"* ]] || fail "$output"
    [[ $output == *"Read-only file system"* ]]
}

@test "cgroup v2 (pure v2 VM): the cgroup mount is a read-only cgroup2" {
    require_vm
    config_edit "$BUNDLE" '.process.args = ["sh", "-c", "grep /sys/fs/cgroup /proc/self/mountinfo; touch /sys/fs/cgroup/x"]'
    cat >"$BATS_TEST_TMPDIR/payload" <<PAYLOAD
cd "$BUNDLE"
"$RUNTIME" --root /run/rt run v2mount 2>&1 | sed 's/^/R: /'
PAYLOAD
    vm_run --timeout 180 --copy "$RUNTIME" --copy "$BUNDLE" "$BATS_TEST_TMPDIR/payload"
    grep -qE '^R: .* /sys/fs/cgroup ro,nosuid,nodev,noexec,relatime .*- cgroup2 ' <<<"$output" || fail "$output"
    grep -q '^R: .*/sys/fs/cgroup/x.*Read-only file system' <<<"$output"
}

# Mount point, per-mount options, type and super options of each mount,
# sorted: what two runtimes should agree on for the same config.
mount_table() {
    awk '{ sep = index($0, " - "); split(substr($0, sep + 3), a, " "); print $5, $6, a[1], a[3] }' | sort
}

@test "oracle: the default config's mount table matches runc's" {
    command -v runc >/dev/null || skip "runc is not installed"
    config_edit "$BUNDLE" '.process.args = ["cat", "/proc/self/mountinfo"]'
    run runc --root "$BATS_TEST_TMPDIR/runc-state" run -b "$BUNDLE" "$ID-runc"
    [ "$status" -eq 0 ] || fail "runc: $output"
    # runc 1.1 leaves the /sys/fs/cgroup tmpfs writable although the entry says
    # ro; we make it read-only (it sits under a read-only /sys anyway).
    local theirs
    theirs=$(mount_table <<<"$output" | sed 's|^/sys/fs/cgroup rw,|/sys/fs/cgroup ro,|')
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    local ours
    ours=$(mount_table <<<"$output")
    [ "$ours" = "$theirs" ] || fail "$(diff <(echo "$theirs") <(echo "$ours"))"
}
