#!/usr/bin/env bats
# config.json from the image config and the command line: Entrypoint/Cmd,
# Env, WorkingDir, annotations, Docker's defaults, resources; runc runs it.

load ../lib/helpers
load unpack_helpers

@test "config: the demo image's Cmd, Env, cwd and HOME" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack "oci:$(demo_image):demo" "$b"
    [ "$(cfg "$b" .process.args)" = '["/bin/demo"]' ]
    [ "$(cfg "$b" .process.env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","DEMO_IMAGE=imagetool-demo","HOME=/root"]' ]
    [ "$(cfg "$b" .process.cwd)" = '"/"' ]
    [ "$(cfg "$b" .process.terminal)" = false ]
    [ "$(cfg "$b" '[.root.path, .root.readonly // false]')" = '["rootfs",false]' ]
}

# args_for ENTRYPOINT-JSON CMD-JSON [UNPACK-ARGS...]: process.args of the result.
args_for() {
    local ep=$1 cmd=$2
    shift 2
    local b="$BATS_TEST_TMPDIR/b$RANDOM"
    local ref
    ref=$(demo_with ".config.Entrypoint = $ep | .config.Cmd = $cmd")
    local flags=() rest=()
    while [ $# -gt 0 ] && [ "$1" != -- ]; do flags+=("$1"); shift; done
    [ "${1:-}" = -- ] && shift
    it_unpack "${flags[@]}" "$ref" "$b" "$@" || return 1
    cfg "$b" .process.args
}

@test "config: Entrypoint + Cmd combinations" {
    [ "$(args_for '["/bin/echo","e"]' '["c1","c2"]')" = '["/bin/echo","e","c1","c2"]' ]
    [ "$(args_for 'null' '["/bin/sh","-c","true"]')" = '["/bin/sh","-c","true"]' ]
    [ "$(args_for '["/bin/echo"]' 'null')" = '["/bin/echo"]' ]
    # trailing arguments replace Cmd, keep Entrypoint
    [ "$(args_for '["/bin/echo","e"]' '["c1"]' -- x y)" = '["/bin/echo","e","x","y"]' ]
    [ "$(args_for 'null' '["c1"]' -- ls -l)" = '["ls","-l"]' ]
    # --entrypoint replaces Entrypoint and clears Cmd (Docker), unless args follow
    [ "$(args_for '["/bin/echo"]' '["c1"]' --entrypoint /bin/true)" = '["/bin/true"]' ]
    [ "$(args_for '["/bin/echo"]' '["c1"]' --entrypoint '["/bin/sh","-c"]' -- 'echo hi')" = '["/bin/sh","-c","echo hi"]' ]
    [ "$(args_for '["/bin/echo"]' '["c1"]' --entrypoint '' -- ls)" = '["ls"]' ]
}

@test "config: no Entrypoint and no Cmd runs sh (as umoci), with a warning" {
    local ref b="$BATS_TEST_TMPDIR/none"
    ref=$(demo_with '.config.Entrypoint = [] | .config.Cmd = null')
    run it_unpack "$ref" "$b"
    [ "$status" -eq 0 ]
    [[ "$output" == *"no Entrypoint or Cmd"* ]]
    [ "$(cfg "$b" .process.args)" = '["sh"]' ]
    it_unpack "$ref" "$b.2" /bin/true
    [ "$(cfg "$b.2" .process.args)" = '["/bin/true"]' ]
}

@test "config: --env overrides by name and appends; PATH default; HOME kept from the image" {
    local ref b="$BATS_TEST_TMPDIR/b"
    ref=$(demo_with '.config.Env = ["A=1","B=2","HOME=/data"]')
    FROM_HOST=hostvalue it_unpack -e B=3 --env C=4 -e A= -e FROM_HOST -e UNSET_ONE "$ref" "$b"
    [ "$(cfg "$b" .process.env)" = '["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin","A=","B=3","HOME=/data","C=4","FROM_HOST=hostvalue"]' ]
    run it_unpack -e =x "$ref" "$BATS_TEST_TMPDIR/bad"
    [ "$status" -eq 2 ]
    [ ! -e "$BATS_TEST_TMPDIR/bad" ]
}

@test "config: WorkingDir becomes cwd" {
    local ref b="$BATS_TEST_TMPDIR/b"
    ref=$(demo_with '.config.WorkingDir = "/home/demo"')
    it_unpack "$ref" "$b"
    [ "$(cfg "$b" .process.cwd)" = '"/home/demo"' ]
}

@test "config: labels, StopSignal, ExposedPorts and Volumes as annotations; labels win" {
    local ref b="$BATS_TEST_TMPDIR/b"
    ref=$(demo_with '.config.StopSignal = "SIGQUIT" | .config.ExposedPorts = {"80/tcp":{},"53/udp":{}}
        | .config.Volumes = {"/data":{},"/logs":{}}
        | .config.Labels = {"com.example.a":"1","org.opencontainers.image.architecture":"from-label"}')
    it_unpack "$ref" "$b"
    local a
    a=$(cfg "$b" .annotations)
    [ "$(jq -r '."org.opencontainers.image.stopSignal"' <<<"$a")" = SIGQUIT ]
    [ "$(jq -r '."org.opencontainers.image.exposedPorts"' <<<"$a" | tr , '\n' | sort | paste -sd,)" = "53/udp,80/tcp" ]
    [ "$(jq -r '."org.opencontainers.image.volumes"' <<<"$a" | tr , '\n' | sort | paste -sd,)" = "/data,/logs" ]
    [ "$(jq -r '."com.example.a"' <<<"$a")" = 1 ]
    [ "$(jq -r '."org.opencontainers.image.architecture"' <<<"$a")" = from-label ]
    [ "$(jq -r '."org.opencontainers.image.os"' <<<"$a")" = linux ]
}

@test "config: Docker's defaults (namespaces, mounts, 14 capabilities, masked paths, devices)" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack "oci:$(demo_image):demo" "$b"
    [ "$(cfg "$b" '[.linux.namespaces[].type] | sort')" = '["ipc","mount","network","pid","uts"]' ] ||
        [ "$(cfg "$b" '[.linux.namespaces[].type] | sort')" = '["cgroup","ipc","mount","network","pid","uts"]' ]
    [ "$(cfg "$b" '[.mounts[].destination]')" = '["/proc","/dev","/dev/pts","/sys","/sys/fs/cgroup","/dev/mqueue","/dev/shm"]' ]
    [ "$(cfg "$b" '.mounts[] | select(.destination == "/sys") | .options | index("ro") != null')" = true ]
    [ "$(cfg "$b" '.mounts[] | select(.destination == "/sys/fs/cgroup") | .options | index("ro") != null')" = true ]
    [ "$(cfg "$b" '.process.capabilities.bounding | length')" = 14 ]
    [ "$(cfg "$b" '.process.capabilities.bounding | index("CAP_SYS_ADMIN")')" = null ]
    [ "$(cfg "$b" '.process.capabilities.effective | index("CAP_NET_BIND_SERVICE") != null')" = true ]
    [ "$(cfg "$b" '.linux.maskedPaths | index("/proc/kcore") != null')" = true ]
    [ "$(cfg "$b" '.linux.readonlyPaths | index("/proc/sys") != null')" = true ]
    [ "$(cfg "$b" '.linux.resources.devices[0]')" = '{"allow":false,"access":"rwm"}' ]
    [ "$(cfg "$b" '.linux.resources.devices[] | select(.major == 1 and .minor == 3) | .allow')" = true ]
    [ "$(cfg "$b" '.linux.seccomp.defaultAction')" = '"SCMP_ACT_ERRNO"' ]
}

@test "config: --hostname, --read-only, --net host|none" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack --hostname web-1 --read-only --net host "oci:$(demo_image):demo" "$b"
    [ "$(cfg "$b" .hostname)" = '"web-1"' ]
    [ "$(cfg "$b" .root.readonly)" = true ]
    [ "$(cfg "$b" '[.linux.namespaces[].type] | index("network")')" = null ]
    it_unpack --net none "oci:$(demo_image):demo" "$b.2"
    [ "$(cfg "$b.2" '[.linux.namespaces[].type] | index("network") != null')" = true ]
    [ "$(cfg "$b.2" '.hostname | length')" = 12 ]
    run it_unpack --net bridge "oci:$(demo_image):demo" "$b.3"
    [ "$status" -eq 2 ] && [ ! -e "$b.3" ]
    run it_unpack --hostname 'bad name' "oci:$(demo_image):demo" "$b.3"
    [ "$status" -eq 2 ] && [ ! -e "$b.3" ]
}

@test "config: --cpus, --memory and --pids-limit" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack --cpus 1 --memory 200m --pids-limit 64 "oci:$(demo_image):demo" "$b"
    [ "$(cfg "$b" "[.linux.resources.cpu | .shares, .quota, .period]")" = "[1024,100000,100000]" ]
    [ "$(cfg "$b" .linux.resources.memory.limit)" = 209715200 ]
    [ "$(cfg "$b" .linux.resources.pids.limit)" = 64 ]
    it_unpack --cpus 2.5 --memory 1g "oci:$(demo_image):demo" "$b.2"
    [ "$(cfg "$b.2" "[.linux.resources.cpu | .shares, .quota, .period]")" = "[2560,250000,100000]" ]
    [ "$(cfg "$b.2" .linux.resources.memory.limit)" = 1073741824 ]
    [ "$(cfg "$b.2" .linux.resources.pids)" = null ]
    local bad
    for bad in "--cpus 0" "--cpus x" "--memory 12q" "--memory -5m" "--pids-limit 0"; do
        run it_unpack $bad "oci:$(demo_image):demo" "$b.bad"
        [ "$status" -eq 2 ] || fail "$bad: status $status: $output"
        [ ! -e "$b.bad" ]
    done
}

@test "config: runc runs the bundle with its limits" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack --cpus 1 --memory 200m --pids-limit 64 --hostname demo-host "oci:$(demo_image):demo" "$b" \
        sh -c 'hostname; id; pwd; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max; cat /sys/fs/cgroup/pids/pids.max 2>/dev/null || cat /sys/fs/cgroup/pids.max'
    run runc_run "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = demo-host ]
    [[ "${lines[1]}" == "uid=0(root) gid=0(root)"* ]]
    [ "${lines[2]}" = / ]
    [ "${lines[3]}" = 209715200 ]
    [ "${lines[4]}" = 64 ]
}

@test "config: read-only rootfs and masked paths hold under runc" {
    local b="$BATS_TEST_TMPDIR/b"
    it_unpack --read-only "oci:$(demo_image):demo" "$b" \
        sh -c 'touch /x 2>/dev/null && echo writable || echo read-only; wc -c </proc/timer_list; touch /sys/x 2>/dev/null || echo sys-ro'
    run runc_run "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [ "${lines[0]}" = read-only ]
    [ "${lines[1]}" = 0 ]
    [ "${lines[2]}" = sys-ro ]
}

@test "config: usage errors are one line and a pointer to the help, exit 2, and touch nothing" {
    local ref="oci:$(demo_image):demo" b="$BATS_TEST_TMPDIR/b" args
    for args in "--bogus" "--entrypoint [1" "--entrypoint [1]" "--platform linux" "--user"; do
        run it_unpack $args "$ref" "$b"
        [ "$status" -eq 2 ] || fail "'$args': status $status: $output"
        [ "${#lines[@]}" -eq 2 ] || fail "'$args': $output"
        [ "${lines[1]}" = "see 'imagetool unpack --help'" ] || fail "'$args': $output"
        [ ! -e "$b" ]
    done
    run it_unpack "$ref"
    [ "$status" -eq 2 ]
}
