#!/usr/bin/env bats
# runtime exec: a process joins a running container's namespaces and
# cgroup, with config.json's process as the default and runc's flags on
# top; exit status, detach, pid file, --process FILE (the command lines of
# conmon and containerd's shim), refusals.

load lib_core

# One busybox bundle per file (making one costs seconds on a busy host),
# copied for each test.
setup_file() {
    make_bundle "$BATS_FILE_TMPDIR/proto" sleep 1000
    config_edit "$BATS_FILE_TMPDIR/proto" '.root.readonly = false'
}

setup() {
    core_setup
    cp -a "$BATS_FILE_TMPDIR/proto" "$BUNDLE"
}
teardown() { core_teardown; }

# start: the container runs sleep in the background.
start() {
    rt run -d --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
}

@test "exec: output and exit status of the process; 128+N after signal N" {
    start
    run rt_stdout exec "$ID" sh -c 'echo out; exit 3'
    [ "$status" -eq 3 ]
    [ "$output" = out ]
    run rt_stdout exec "$ID" sh -c 'kill -9 $$'
    [ "$status" -eq 137 ]
    run rt_stdout exec "$ID" true
    [ "$status" -eq 0 ]
}

@test "exec: the process is in every namespace and the cgroup of the init" {
    config_edit "$BUNDLE" '.linux.namespaces += [{"type": "cgroup"}]'
    start
    rt exec -d --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" sleep 1000 >/dev/null 2>&1 </dev/null
    local init=$(pid_of "$ID") pid=$(cat "$BATS_TEST_TMPDIR/pid")
    [ "$pid" -gt 0 ] && [ "$pid" != "$init" ]
    local ns
    for ns in pid mnt net ipc uts cgroup; do
        [ "$(readlink /proc/$pid/ns/$ns)" = "$(readlink /proc/$init/ns/$ns)" ] || fail "$ns differs"
        [ "$(readlink /proc/$pid/ns/$ns)" != "$(readlink /proc/self/ns/$ns)" ] || fail "$ns is the host's"
    done
    diff <(sort /proc/$init/cgroup) <(sort /proc/$pid/cgroup)
    run rt_stdout exec "$ID" ps -o pid,args
    [[ "$output" == *"1 sleep 1000"* ]]
}

@test "exec: user, groups, cwd and env from the flags, config.json's by default" {
    config_edit "$BUNDLE" '.process.env += ["FROM_CONFIG=yes"] | .process.user = {"uid": 7, "gid": 8}'
    start
    run rt_stdout exec "$ID" sh -c 'id -u; id -g; pwd; echo "$FROM_CONFIG"'
    [ "$output" = "$(printf '7\n8\n/\nyes')" ]
    mkdir -p "$BUNDLE/rootfs/work"
    run rt_stdout exec -u 1000:1001 -g 20 --additional-gids 30 --cwd /work -e A=1 --env B=2 "$ID" \
        sh -c 'id -u; id -G; pwd; echo "$A$B$FROM_CONFIG"'
    [ "$status" -eq 0 ]
    [ "$output" = "$(printf '1000\n1001 20 30\n/work\n12yes')" ]
    run rt_stdout exec -u 1000 "$ID" id -g
    [ "$output" = 0 ]
}

@test "exec: --cwd only root may enter (/root 0700) works with -u 42, as in runc" {
    mkdir -p "$BUNDLE/rootfs/root"
    chmod 700 "$BUNDLE/rootfs/root"
    start
    run rt_stdout exec -u 42:42 --cwd /root "$ID" sh -c 'pwd; id -u'
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = "$(printf '/root\n42')" ] || fail "$output"
    # a cwd that is no directory still fails, naming it
    run rt exec -u 42:42 --cwd /bin/sh "$ID" true
    [ "$status" -ne 0 ]
    [[ "$output" == *"process.cwd: chdir /bin/sh: Not a directory"* ]] || fail "$output"
}

@test "exec: capabilities, no_new_privs, rlimits and seccomp of the container apply" {
    config_edit "$BUNDLE" '.process.rlimits = [{"type": "RLIMIT_NOFILE", "hard": 512, "soft": 256}]
        | .process.noNewPrivileges = false
        | .linux.seccomp = {"defaultAction": "SCMP_ACT_ALLOW",
            "syscalls": [{"names": ["mkdir", "mkdirat"], "action": "SCMP_ACT_ERRNO", "errnoRet": 1}]}'
    start
    run rt_stdout exec "$ID" sh -c 'ulimit -n; ulimit -Hn'
    [ "$output" = "$(printf '256\n512')" ]
    run rt_stdout exec "$ID" mkdir /tmp/x
    [ "$status" -ne 0 ]
    [ ! -d "$BUNDLE/rootfs/tmp/x" ]
    # runc's default spec: CAP_AUDIT_WRITE, CAP_KILL, CAP_NET_BIND_SERVICE; noNewPrivileges
    run rt_stdout exec "$ID" grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
    [[ "$output" == *"CapEff:	0000000020000420"* ]]
    [[ "$output" == *"NoNewPrivs:	0"* ]]
    run rt_stdout exec --cap CAP_SYS_ADMIN --no-new-privs "$ID" grep -E '^(CapEff|NoNewPrivs)' /proc/self/status
    [[ "$output" == *"NoNewPrivs:	1"* ]]
    local eff=$(sed -n 's/^CapEff:\t//p' <<<"$output")
    (( (0x$eff >> 21) & 1 )) || fail "CAP_SYS_ADMIN (21) not effective: $eff"
}

@test "exec: --process FILE with --detach and --pid-file, as conmon and containerd send it" {
    start
    jq -n '{terminal: false, user: {uid: 0, gid: 0}, args: ["sh", "-c", "echo from-process-file > /tmp/out; sleep 1000"],
            env: ["PATH=/bin"], cwd: "/tmp"}' >"$BATS_TEST_TMPDIR/p.json"
    rt exec --process "$BATS_TEST_TMPDIR/p.json" --detach --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" >/dev/null 2>&1 </dev/null
    local pid=$(cat "$BATS_TEST_TMPDIR/pid")
    [ "$(readlink /proc/$pid/ns/mnt)" = "$(readlink /proc/$(pid_of "$ID")/ns/mnt)" ]
    local i
    for i in $(seq 50); do [ -s "$BUNDLE/rootfs/tmp/out" ] && break; sleep 0.1; done
    [ "$(cat "$BUNDLE/rootfs/tmp/out")" = from-process-file ]
    # containerd's spelling: -p, options after the id
    jq '.args = ["sh", "-c", "exit 5"]' "$BATS_TEST_TMPDIR/p.json" >"$BATS_TEST_TMPDIR/p5.json"
    run rt exec "$ID" -p "$BATS_TEST_TMPDIR/p5.json"
    [ "$status" -eq 5 ]
}

@test "exec: the process gets no fd of the caller beyond --preserve-fds" {
    start
    exec 7</etc/hostname 8</etc/hostname
    run rt_stdout exec "$ID" ls /proc/self/fd
    [ "$(echo $output)" = "0 1 2 3" ] # 3: ls's own directory
    run rt_stdout exec --preserve-fds 5 "$ID" sh -c 'test -e /proc/self/fd/7 && test ! -e /proc/self/fd/8 && read l <&7 && echo "$l"'
    exec 7<&- 8<&-
    [ "$status" -eq 0 ]
    [ "$output" = "$(cat /etc/hostname)" ]
}

@test "exec: into a container with a user namespace" {
    config_edit "$BUNDLE" '.linux.namespaces += [{"type": "user"}]
        | .linux.uidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]
        | .linux.gidMappings = [{"containerID": 0, "hostID": 100000, "size": 65536}]'
    path_searchable "$BUNDLE"
    start
    rt exec -d --pid-file "$BATS_TEST_TMPDIR/pid" -u 5 "$ID" sleep 1000 >/dev/null 2>&1 </dev/null
    local pid=$(cat "$BATS_TEST_TMPDIR/pid")
    [ "$(readlink /proc/$pid/ns/user)" = "$(readlink /proc/$(pid_of "$ID")/ns/user)" ]
    [ "$(awk '/^Uid:/ {print $2}' /proc/$pid/status)" = 100005 ]
    run rt_stdout exec "$ID" id -u
    [ "$output" = 0 ]
}

@test "exec: refused on a stopped container, one line, exit 7; unknown container exit 4" {
    config_edit "$BUNDLE" '.process.args = ["true"]'
    rt create --bundle "$BUNDLE" "$ID" >/dev/null 2>&1 </dev/null
    rt start "$ID"
    wait_status "$ID" stopped
    run rt exec "$ID" true
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: cannot exec in container $ID: it is stopped" ]
    run rt exec nosuch true
    [ "$status" -eq 4 ]
    [[ "$output" == *"container nosuch does not exist"* ]]
}

@test "exec: usage errors and bad process input are one line, nothing left running" {
    start
    run rt exec "$ID"
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"a command to run (or --process FILE) is needed"* ]]
    run rt exec -u bob "$ID" true
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"--user: expected a number, got 'bob'"* ]]
    echo '{"args": "notalist"}' >"$BATS_TEST_TMPDIR/bad.json"
    run rt exec -p "$BATS_TEST_TMPDIR/bad.json" "$ID"
    [ "$status" -eq 3 ]
    [ "${#lines[@]}" -eq 1 ]
    [[ "$output" == *"bad.json"*"process.args"* ]]
    run rt exec "$ID" /no/such/program
    [ "$status" -eq 4 ]
    [ "${#lines[@]}" -eq 1 ]
    run rt exec --cwd /no/such/dir "$ID" true
    [ "$status" -ne 0 ]
    [[ "$output" == *"process.cwd"*"/no/such/dir"* ]]
    # an unknown capability is skipped with runc's warning, as for create
    run rt exec --cap CAP_NOPE "$ID" true
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"ignoring unknown or unavailable capabilities: [CAP_NOPE]"* ]] || fail "$output"
    [ "$(cat /sys/fs/cgroup/pids/"$ID"/cgroup.procs 2>/dev/null | wc -l)" -le 1 ]
}

@test "exec: an LSM label is refused with one line where the host lacks that LSM" {
    [ ! -d /sys/kernel/security/apparmor ] || skip "AppArmor is enabled here"
    [ ! -d /sys/fs/selinux ] || skip "SELinux is enabled here"
    start
    run rt exec --process-label system_u:system_r:container_t:s0 "$ID" true
    [ "$status" -eq 3 ]
    [[ "$output" == *"selinuxLabel"*"SELinux is not enabled"* ]]
    run rt exec --apparmor runtime-default "$ID" true
    [ "$status" -eq 3 ]
    [[ "$output" == *"apparmorProfile"*"AppArmor is not enabled"* ]]
}

@test "exec: refused on a paused container unless --ignore-paused" {
    start
    rt pause "$ID"
    run rt exec "$ID" true
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: cannot exec in container $ID: it is paused (use --ignore-paused to override)" ]
    # the new process is born frozen: it runs (and exec returns) once resumed
    rt exec -d --ignore-paused --pid-file "$BATS_TEST_TMPDIR/pid" "$ID" sleep 1000 >/dev/null 2>&1 </dev/null &
    local ex=$!
    sleep 1
    rt resume "$ID"
    wait "$ex"
    local pid=$(cat "$BATS_TEST_TMPDIR/pid")
    [ "$(readlink /proc/$pid/ns/mnt)" = "$(readlink /proc/$(pid_of "$ID")/ns/mnt)" ]
}
