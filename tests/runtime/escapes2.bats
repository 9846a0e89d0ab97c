#!/usr/bin/env bats
# Host escapes, round 2: a dumpable init, host fds reaching the process,
# /proc or /sys as symlinks in the rootfs.

load lib_core

setup() {
    core_setup
    path_searchable "$BUNDLE"
}
teardown() { core_teardown; }

@test "the init is not dumpable until exec: a process with the container's credentials cannot read its fds" {
    bundle sleep 100
    rt create --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out" 2>&1
    local pid caps
    pid=$(pid_of "$ID")
    # uid 0 with exactly the container's capabilities (no CAP_SYS_PTRACE)
    caps=$(jq -r '[.process.capabilities.bounding[] | ascii_downcase | sub("^cap_"; "+")] | join(",")' "$BUNDLE/config.json")
    run setpriv --bounding-set "-all,$caps" --inh-caps -all -- readlink /proc/$pid/fd/0 /proc/$pid/cwd
    [ "$status" -ne 0 ] || fail "followed the waiting init's fd and cwd: $output"
    run setpriv --bounding-set "-all,$caps" --inh-caps -all -- cat /proc/$pid/environ
    [ "$status" -ne 0 ] || fail "read the waiting init's environ: $output"
    [[ $output == *"Permission denied"* ]] || fail "$output"
    # the same credentials can read them once the process has exec'd
    rt start "$ID"
    local i
    for i in $(seq 50); do grep -q sleep /proc/$pid/comm && break; sleep 0.1; done
    run setpriv --bounding-set "-all,$caps" --inh-caps -all -- readlink /proc/$pid/fd/0 /proc/$pid/cwd
    [ "$status" -eq 0 ] || fail "control: $output"
}

# A host directory holding a binary the rootfs does not have.
host_dir() {
    mkdir -p "$BATS_TEST_TMPDIR/hostdir"
    cp /bin/busybox "$BATS_TEST_TMPDIR/hostdir/busybox-host"
}

@test "args[0] /proc/self/fd/9/busybox with a host directory on fd 9: refused" {
    host_dir
    bundle /proc/self/fd/9/busybox-host echo ESCAPED
    run rt run --bundle "$BUNDLE" "$ID" 9<"$BATS_TEST_TMPDIR/hostdir"
    [ "$status" -eq 5 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ]
    [[ $output == *"process.args[0]: /proc/self/fd/9/busybox-host goes through a process's fds in /proc: refused"* ]]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "cwd /proc/self/fd/9, /proc/1/fd/9 and args[0] /dev/fd/9/x, //proc/./self/fd/9/x: refused" {
    host_dir
    bundle true
    local cwd
    for cwd in /proc/self/fd/9 /proc/1/fd/9 /proc/thread-self/fd/9/ /proc/self/cwd; do
        config_edit "$BUNDLE" ".process.cwd = \"$cwd\""
        run rt run --bundle "$BUNDLE" "$ID" 9<"$BATS_TEST_TMPDIR/hostdir"
        [ "$status" -eq 5 ] && [[ $output == *"process.cwd: $cwd goes through"* ]] || fail "$cwd: $status: $output"
    done
    config_edit "$BUNDLE" '.process.cwd = "/"'
    local arg
    for arg in /dev/fd/9/busybox-host //proc/./self/fd/9/busybox-host; do
        config_edit "$BUNDLE" ".process.args = [\"$arg\"]"
        run rt run --bundle "$BUNDLE" "$ID" 9<"$BATS_TEST_TMPDIR/hostdir"
        [ "$status" -eq 5 ] && [[ $output == *"process.args[0]: $arg goes through"* ]] || fail "$arg: $status: $output"
    done
}

@test "a rootfs symlink to /proc/self/fd/9/...: the inherited fd is closed before args[0] is resolved" {
    host_dir
    bundle /bin/evil echo ESCAPED
    ln -s /proc/self/fd/9/busybox-host "$BUNDLE/rootfs/bin/evil"
    run rt run --bundle "$BUNDLE" "$ID" 9<"$BATS_TEST_TMPDIR/hostdir"
    [[ $output != *ESCAPED* ]] || fail "the host binary ran in the container: $output"
    [ "$status" -eq 4 ] || fail "status $status: $output"
    [[ $output == *"process.args[0]: exec /bin/evil: no such file"* ]] || fail "$output"
}

@test "a PATH entry /proc/self/fd/9 is not searched" {
    host_dir
    bundle busybox-host echo ESCAPED
    config_edit "$BUNDLE" '.process.env = ["PATH=/proc/self/fd/9:/bin"]'
    run rt run --bundle "$BUNDLE" "$ID" 9<"$BATS_TEST_TMPDIR/hostdir"
    [[ $output != *ESCAPED* ]] || fail "$output"
    [ "$status" -eq 4 ] || fail "status $status: $output"
}

@test "the waiting init holds no directory fd of the host (cgroup, state, bundle, the caller's)" {
    host_dir
    bundle sleep 100
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/secrt-fd-$ID\""
    rt create --bundle "$BUNDLE" "$ID" 9<"$BATS_TEST_TMPDIR/hostdir" >"$BATS_TEST_TMPDIR/out" 2>&1
    local pid fd dirs=""
    pid=$(pid_of "$ID")
    for fd in /proc/$pid/fd/*; do
        [ -d "$fd" ] && dirs+=" ${fd##*/}->$(readlink "$fd")"
    done
    [ -z "$dirs" ] || fail "directory fds in the init:$dirs"
    [ ! -e /proc/$pid/fd/9 ] || fail "fd 9 still open: $(readlink /proc/$pid/fd/9)"
}

# rootfs_link NAME TARGET: replace rootfs/NAME by a symlink to TARGET.
rootfs_link() {
    rm -rf "${BUNDLE:?}/rootfs/$1"
    ln -s "$2" "$BUNDLE/rootfs/$1"
}

# symlinked_mount_refused NAME FSTYPE: a container whose rootfs/NAME is a
# symlink to the directory fakeNAME exits 5, saying FSTYPE must be mounted
# on an ordinary directory.
symlinked_mount_refused() {
    bundle true
    mkdir "$BUNDLE/rootfs/fake$1"
    rootfs_link "$1" "fake$1"
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 5 ] || fail "status $status: $output"
    [[ $output == *"$2 must be mounted on an ordinary directory: $BUNDLE/rootfs/$1 is a symlink"* ]] || fail "$output"
}

@test "/proc as a symlink in the rootfs: the proc mount is refused (CVE-2019-19921)" {
    symlinked_mount_refused proc proc
    [ "${#lines[@]}" -eq 1 ]
    [ -z "$(ls -A "$BUNDLE/rootfs/fakeproc")" ]
    [ -z "$(ls -A "$ROOT" 2>/dev/null)" ]
}

@test "/sys as a symlink in the rootfs: the sysfs mount is refused" {
    symlinked_mount_refused sys sysfs
}

@test "/proc as a regular file, and a proc mount at a symlinked /myproc: refused; a missing /proc is made" {
    bundle true
    rm -rf "$BUNDLE/rootfs/proc"
    touch "$BUNDLE/rootfs/proc"
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 5 ] && [[ $output == *"$BUNDLE/rootfs/proc is not a directory"* ]] || fail "$status: $output"
    rm "$BUNDLE/rootfs/proc"
    mkdir "$BUNDLE/rootfs/realdir"
    rootfs_link myproc realdir
    config_edit "$BUNDLE" '.mounts += [{"destination": "/myproc", "type": "proc", "source": "proc"}]'
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 5 ] && [[ $output == *"rootfs/myproc is a symlink"* ]] || fail "$status: $output"
    config_edit "$BUNDLE" '.mounts |= map(select(.destination != "/myproc"))'
    run rt run --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "missing /proc: $output"
}

# exec gets the same guards as the init: a running container to exec into.
exec_target() {
    host_dir
    bundle sleep 1000
    rt run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
}

@test "exec: args[0] and --cwd through /proc/*/fd are refused, one line, exit 5" {
    exec_target
    run rt exec "$ID" /proc/self/fd/9/busybox-host echo ESCAPED 9<"$BATS_TEST_TMPDIR/hostdir"
    [ "$status" -eq 5 ] || fail "status $status: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
    [[ $output == *"process.args[0]: /proc/self/fd/9/busybox-host goes through a process's fds in /proc: refused"* ]] || fail "$output"
    run rt exec --cwd /proc/self/fd/9 "$ID" true 9<"$BATS_TEST_TMPDIR/hostdir"
    [ "$status" -eq 5 ] && [[ $output == *"process.cwd: /proc/self/fd/9 goes through"* ]] || fail "$status: $output"
}

@test "exec: a rootfs symlink to /proc/self/fd/9/... finds fd 9 closed (the caller's and the cgroup's fds are closed)" {
    exec_target
    ln -s /proc/self/fd/9/busybox-host "$BUNDLE/rootfs/bin/evil"
    run rt exec --preserve-fds 0 "$ID" /bin/evil echo ESCAPED 9<"$BATS_TEST_TMPDIR/hostdir"
    [[ $output != *ESCAPED* ]] || fail "the host binary ran in the container: $output"
    [ "$status" -eq 4 ] || fail "status $status: $output"
}
