#!/usr/bin/env bats
# linux.resources and linux.cgroupsPath on this host's cgroup layout (v1
# controllers, or hybrid with the unified hierarchy joined too), checked
# from the host's /sys/fs/cgroup and against runc where it is the oracle.
load ../lib/helpers

setup_file() {
    [ "$(id -u)" = 0 ] || skip "needs root"
    [ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy (cgroups-v2.bats covers v2)"
}

setup() {
    ID=$(unique_id)
    CGPATH="/cg-$ID"
    STATE="$BATS_TEST_TMPDIR/state"
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
}

teardown() {
    "$RUNTIME" --root "$STATE" delete -f "$ID" >/dev/null 2>&1 || true
    # Never leave a cgroup behind, even when an assertion failed.
    for d in /sys/fs/cgroup/*"$CGPATH" /sys/fs/cgroup/*/*/*/"$ID"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    true
}

rt() { "$RUNTIME" --root "$STATE" "$@"; }

# Every hierarchy under /sys/fs/cgroup that holds PATH, one per line.
cgroup_dirs() {
    local d
    for d in /sys/fs/cgroup/*"$1"; do
        [ -d "$d" ] && echo "$d"
    done
    true
}

# run -d a sleeping container with the given linux.resources and cgroupsPath.
start_sleeper() {
    make_bundle "$BUNDLE" sleep 60
    config_edit "$BUNDLE" ".linux.resources = $1 | .linux.cgroupsPath = \"$2\""
    (cd "$BUNDLE" && rt run -d "$ID")
}

init_pid() { rt state "$ID" | jq -r .pid; }

# kill is asynchronous: wait (up to 5 s) until the container is stopped.
wait_stopped() {
    for _ in $(seq 50); do
        [ "$(rt state "$ID" | jq -r .status)" = stopped ] && return 0
        sleep 0.1
    done
    fail "container $ID did not stop"
}

@test "cgroups: Mesos demo resources (cpus 1, mem 200 MiB) land in the v1 limit files" {
    start_sleeper '{"memory":{"limit":209715200},"cpu":{"shares":1024,"quota":100000,"period":100000}}' "$CGPATH"
    [ "$(cat /sys/fs/cgroup/memory$CGPATH/memory.limit_in_bytes)" = 209715200 ]
    [ "$(cat /sys/fs/cgroup/cpu$CGPATH/cpu.shares)" = 1024 ]
    [ "$(cat /sys/fs/cgroup/cpu$CGPATH/cpu.cfs_quota_us)" = 100000 ]
    [ "$(cat /sys/fs/cgroup/cpu$CGPATH/cpu.cfs_period_us)" = 100000 ]
    pid=$(init_pid)
    grep -qx "[0-9]*:memory:$CGPATH" /proc/"$pid"/cgroup
    grep -qx "[0-9]*:cpu:$CGPATH" /proc/"$pid"/cgroup
}

@test "cgroups: the container sees its cgroup in /proc/self/cgroup" {
    make_bundle "$BUNDLE" cat /proc/self/cgroup
    config_edit "$BUNDLE" ".linux.resources = {\"memory\":{\"limit\":209715200}} | .linux.cgroupsPath = \"$CGPATH\""
    run bash -c 'cd "$1" && "$2" --root "$3" run "$4"' _ "$BUNDLE" "$RUNTIME" "$STATE" "$ID"
    echo "$output"
    [ "$status" = 0 ]
    [[ "$output" == *":memory:$CGPATH"* ]]
    [[ "$output" == *":pids:$CGPATH"* ]]
}

@test "cgroups: Mesos demo from inside: ps sees PID 1 and the memory limit file holds 209715200" {
    make_bundle "$BUNDLE" sh -c 'cat /sys/fs/cgroup/memory/memory.limit_in_bytes; cat /sys/fs/cgroup/cpu/cpu.cfs_quota_us; ps -o pid,args'
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"$CGPATH\" |
        .linux.resources += {\"memory\":{\"limit\":209715200},\"cpu\":{\"shares\":1024,\"quota\":100000,\"period\":100000}}"
    run bash -c 'cd "$1" && "$2" --root "$3" run "$4" 2>&1' _ "$BUNDLE" "$RUNTIME" "$STATE" "$ID"
    echo "$output"
    [ "$status" = 0 ]
    [ "${lines[0]}" = 209715200 ]
    [ "${lines[1]}" = 100000 ]
    echo "$output" | grep -qE '^ *1 +(\{ps\} |ps )'
    [ -z "$(cgroup_dirs "$CGPATH")" ]
}

@test "cgroups: every hierarchy, the unified one included, holds the init; delete removes them all" {
    start_sleeper '{"pids":{"limit":40}}' "$CGPATH"
    pid=$(init_pid)
    [ "$(cat /sys/fs/cgroup/pids$CGPATH/pids.max)" = 40 ]
    # Same hierarchies as runc joins: every line of /proc/PID/cgroup.
    [ "$(grep -c ":$CGPATH\$" /proc/"$pid"/cgroup)" = "$(wc -l </proc/"$pid"/cgroup)" ]
    if [ -d /sys/fs/cgroup/unified ]; then
        grep -qx "0::$CGPATH" /proc/"$pid"/cgroup
        [ -d "/sys/fs/cgroup/unified$CGPATH" ]
    fi
    [ "$(rt state "$ID" | jq -r .status)" = running ]
    rt kill "$ID" KILL
    wait_stopped
    rt delete "$ID"
    [ -z "$(cgroup_dirs "$CGPATH")" ] || { cgroup_dirs "$CGPATH"; false; }
}

@test "cgroups: an empty cgroupsPath puts the container where runc does (<own cgroup>/<id>)" {
    make_bundle "$BUNDLE" sleep 60
    config_edit "$BUNDLE" '.linux.resources = {"pids":{"limit":30}} | del(.linux.cgroupsPath)'
    (cd "$BUNDLE" && rt run -d "$ID")
    ours=$(sed "s/$ID\$/ID/" /proc/"$(init_pid)"/cgroup)
    rt delete -f "$ID"
    (cd "$BUNDLE" && runc --root "$STATE-runc" run -d "$ID")
    theirs=$(sed "s/$ID\$/ID/" /proc/"$(runc --root "$STATE-runc" state "$ID" | jq -r .pid)"/cgroup)
    runc --root "$STATE-runc" delete -f "$ID"
    echo "ours:"; echo "$ours"; echo "runc:"; echo "$theirs"
    [ "$ours" = "$theirs" ]
    [[ "$ours" == *"/ID"* ]]
}

@test "cgroups: a relative cgroupsPath hangs below the runtime's own cgroup" {
    start_sleeper '{"pids":{"limit":30}}' "rel-$ID/c"
    own=$(sed -n 's/^[0-9]*:memory://p' /proc/self/cgroup)
    [ "$own" = / ] && own=
    [ -d "/sys/fs/cgroup/memory$own/rel-$ID/c" ]
    grep -qx "[0-9]*:memory:$own/rel-$ID/c" /proc/"$(init_pid)"/cgroup
    rt delete -f "$ID"
    [ ! -d "/sys/fs/cgroup/memory$own/rel-$ID/c" ]
    # runc leaves ancestors it created; so do we. Clean up ours.
    for d in /sys/fs/cgroup/*$own/rel-$ID /sys/fs/cgroup/*/rel-$ID; do [ -d "$d" ] && rmdir "$d"; done
    true
}

@test "cgroups: memory reservation, swap, swappiness, pids, cpuset and devices" {
    start_sleeper '{"memory":{"limit":104857600,"reservation":52428800,"swap":209715200,"swappiness":10},
                    "cpu":{"cpus":"0","mems":"0"},"pids":{"limit":25},
                    "devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}]}' "$CGPATH"
    m=/sys/fs/cgroup/memory$CGPATH
    [ "$(cat $m/memory.limit_in_bytes)" = 104857600 ]
    [ "$(cat $m/memory.soft_limit_in_bytes)" = 52428800 ]
    [ "$(cat $m/memory.swappiness)" = 10 ]
    if [ -e $m/memory.memsw.limit_in_bytes ]; then
        [ "$(cat $m/memory.memsw.limit_in_bytes)" = 209715200 ]
    fi
    [ "$(cat /sys/fs/cgroup/cpuset$CGPATH/cpuset.cpus)" = 0 ]
    [ "$(cat /sys/fs/cgroup/pids$CGPATH/pids.max)" = 25 ]
    list=$(cat /sys/fs/cgroup/devices$CGPATH/devices.list)
    echo "$list"
    [[ "$list" == *"c 1:11 r"* ]]
    [[ "$list" == *"c 1:3 rwm"* ]]
    [[ "$list" != *"a *:* rwm"* ]]
}

@test "cgroups: kill --all signals every process of the cgroup" {
    make_bundle "$BUNDLE" sh -c 'sleep 60 & sleep 60 & wait'
    # sh gives background jobs /dev/null as stdin (the device rules allow it).
    [ -e "$BUNDLE/rootfs/dev/null" ] || mknod -m 666 "$BUNDLE/rootfs/dev/null" c 1 3
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"$CGPATH\""
    (cd "$BUNDLE" && rt run -d "$ID")
    for _ in $(seq 50); do
        [ "$(wc -l </sys/fs/cgroup/pids$CGPATH/cgroup.procs)" -ge 3 ] && break
        sleep 0.1
    done
    [ "$(wc -l </sys/fs/cgroup/pids$CGPATH/cgroup.procs)" -ge 3 ]
    rt kill --all "$ID" KILL
    for _ in $(seq 50); do
        [ -z "$(cat /sys/fs/cgroup/pids$CGPATH/cgroup.procs)" ] && break
        sleep 0.1
    done
    [ -z "$(cat /sys/fs/cgroup/pids$CGPATH/cgroup.procs)" ]
    wait_stopped
    rt delete "$ID"
    [ -z "$(cgroup_dirs "$CGPATH")" ]
}

@test "cgroups: a refused value names file and value, and leaves no cgroup or state" {
    make_bundle "$BUNDLE" true
    config_edit "$BUNDLE" ".linux.resources = {\"cpu\":{\"cpus\":\"4096\"}} | .linux.cgroupsPath = \"$CGPATH/sub\""
    run bash -c 'cd "$1" && "$2" --root "$3" create "$4"' _ "$BUNDLE" "$RUNTIME" "$STATE" "$ID"
    echo "$output"
    [ "$status" != 0 ]
    [[ "$output" == *"write 4096 to /sys/fs/cgroup/cpuset$CGPATH/sub/cpuset.cpus"* ]]
    [ -z "$(cgroup_dirs "$CGPATH")" ]
    [ ! -e "$STATE/$ID" ]
}

@test "cgroups: unified (v2) entries are refused on a v1 host, systemd paths are refused" {
    make_bundle "$BUNDLE" true
    config_edit "$BUNDLE" ".linux.resources = {\"unified\":{\"pids.max\":\"10\"}} | .linux.cgroupsPath = \"$CGPATH\""
    run bash -c 'cd "$1" && "$2" --root "$3" create "$4"' _ "$BUNDLE" "$RUNTIME" "$STATE" "$ID"
    echo "$output"
    [ "$status" = 3 ]
    # runc's words, which clients match on
    [[ "$output" == *"invalid configuration: cannot use unified on cgroup v1"* ]] || fail "$output"
    [ -z "$(cgroup_dirs "$CGPATH")" ]

    config_edit "$BUNDLE" 'del(.linux.resources) | .linux.cgroupsPath = "system.slice:runtime:x"'
    run bash -c 'cd "$1" && "$2" --root "$3" create "$4"' _ "$BUNDLE" "$RUNTIME" "$STATE" "$ID"
    echo "$output"
    [ "$status" = 3 ]
    [[ "$output" == *"systemd"* ]]
}

@test "cgroups: the limit files match runc's for the same config.json" {
    res='{"memory":{"limit":134217728,"reservation":67108864,"swap":268435456,"swappiness":20,"disableOOMKiller":true},
          "cpu":{"shares":700,"quota":30000,"period":60000,"cpus":"0","mems":"0"},"pids":{"limit":77},
          "devices":[{"allow":false,"access":"rwm"},{"allow":true,"type":"c","major":1,"minor":11,"access":"r"},
                     {"allow":false,"type":"c","major":1,"minor":3,"access":"w"}]}'
    files="memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes memory/memory.memsw.limit_in_bytes
           memory/memory.swappiness memory/memory.oom_control cpu/cpu.shares cpu/cpu.cfs_quota_us
           cpu/cpu.cfs_period_us cpuset/cpuset.cpus cpuset/cpuset.mems pids/pids.max devices/devices.list"
    snapshot() {
        local f
        for f in $files; do
            [ -e "/sys/fs/cgroup/${f%%/*}$1/${f#*/}" ] || continue
            echo "== $f"
            # oom_control also reports live counters: keep the setting. The
            # kernel lists device rules in the order written: compare sets.
            grep -v '^oom_kill \|^under_oom' "/sys/fs/cgroup/${f%%/*}$1/${f#*/}" | sort
        done
    }
    start_sleeper "$res" "$CGPATH"
    ours=$(snapshot "$CGPATH")
    rt delete -f "$ID"
    (cd "$BUNDLE" && runc --root "$STATE-runc" run -d "$ID")
    theirs=$(snapshot "$CGPATH")
    runc --root "$STATE-runc" delete -f "$ID"
    diff <(echo "$ours") <(echo "$theirs")
    [[ "$ours" == *"oom_kill_disable 1"* ]]
    [[ "$ours" == *"77"* ]]
}

@test "cgroups: device rules hold inside the container (read allowed, write refused)" {
    make_bundle "$BUNDLE" sh -c 'head -c 1 /dev/kmsg >/dev/null && echo kmsg-read-ok; echo x >/dev/kmsg && echo kmsg-write-ok; echo y >/dev/null && echo null-ok'
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"$CGPATH\" |
        .linux.devices = [{\"path\":\"/dev/kmsg\",\"type\":\"c\",\"major\":1,\"minor\":11,\"fileMode\":438}] |
        .linux.resources.devices += [{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":11,\"access\":\"r\"}] |
        .process.capabilities |= with_entries(.value += [\"CAP_SYSLOG\"])"
    # Reading /dev/kmsg needs CAP_SYSLOG where dmesg_restrict is 1, as under runc.
    run bash -c 'cd "$1" && "$2" --root "$3" run "$4" 2>&1' _ "$BUNDLE" "$RUNTIME" "$STATE" "$ID"
    echo "$output"
    [[ "$output" == *kmsg-read-ok* ]]
    [[ "$output" != *kmsg-write-ok* ]]
    [[ "$output" == *"/dev/kmsg: Operation not permitted"* ]]
    [[ "$output" == *null-ok* ]]
    [ -z "$(cgroup_dirs "$CGPATH")" ]
}

@test "cgroups: a device rule the kernel would refuse (access rwa, type x) is one line before anything is made" {
    make_bundle "$BUNDLE" true
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"$CGPATH\" |
        .linux.resources.devices += [{\"allow\":true,\"type\":\"c\",\"major\":1,\"minor\":3,\"access\":\"rwa\"}]"
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ] || fail "$output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
    [[ "$output" == *"linux.resources.devices["*"].access: \"rwa\": 'a' is not one of r, w, m" ]] || fail "$output"
    config_edit "$BUNDLE" '.linux.resources.devices[-1] |= (.access = "rw" | .type = "x")'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ] || fail "$output"
    [[ "$output" == *'.type: "x" is not a, b or c' ]] || fail "$output"
    [ -z "$(cgroup_dirs "$CGPATH")" ]
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ]
}

@test "cgroups: a second container in a cgroupsPath with processes warns in runc 1.1's words and runs" {
    start_sleeper '{}' "$CGPATH"
    local second="$BATS_TEST_TMPDIR/second"
    make_bundle "$second" true
    config_edit "$second" ".linux.cgroupsPath = \"$CGPATH\""
    run rt run -b "$second" "$ID-2"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"runtime: warning: container's cgroup is not empty: 1 process(es) found"* ]] || fail "$output"
    if command -v runc >/dev/null; then
        run runc --root "$BATS_TEST_TMPDIR/runc-state" run -b "$second" "$ID-runc"
        [ "$status" -eq 0 ] && [[ "$output" == *"container's cgroup is not empty: 1 process(es) found"* ]] ||
            fail "runc: $output"
    fi
    # the first container is untouched and its cgroup goes with it
    [ "$(rt state "$ID" | jq -r .status)" = running ]
    rt kill "$ID" KILL
    wait_stopped
    rt delete "$ID"
    [ -z "$(cgroup_dirs "$CGPATH")" ]
}
