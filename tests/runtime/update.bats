#!/usr/bin/env bats
# update: runc's flags and -r FILE / --resources - (containerd's form) on a
# live container, read back from the cgroup files; runc 1.1 writes the same
# values for the same command; v2 in a v2-only VM (tests/lib/qemu).

load lib_core
load ../lib/vm

setup() { core_setup; }
teardown() {
    core_teardown
    [ -z "${RUNC_ROOT:-}" ] || runc --root "$RUNC_ROOT" delete --force "${ID}r" >/dev/null 2>&1 || true
}

v1_only() {
    [ -d /sys/fs/cgroup/memory ] || skip "no cgroup v1 memory hierarchy (the v2 test covers v2)"
}

# run -d a sleeping container in cgroup /$ID with a 128 MiB limit.
sleeping() {
    bundle sleep 100
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/$ID\" | .linux.resources.memory = {\"limit\": 134217728}"
    rt run -d --bundle "$BUNDLE" "$ID"
}

cg() { cat "/sys/fs/cgroup/$1/$ID/$2"; }

@test "update: runc's flags reach the v1 cgroup files" {
    v1_only
    sleeping
    rt update --memory 64m --memory-swap 96M --memory-reservation 32m --cpu-share 512 \
        --cpu-period 50000 --cpu-quota 25000 --cpuset-cpus 0 --pids-limit 20 "$ID"
    [ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
    [ -e /sys/fs/cgroup/memory/$ID/memory.memsw.limit_in_bytes ] && [ "$(cg memory memory.memsw.limit_in_bytes)" = 100663296 ]
    [ "$(cg memory memory.soft_limit_in_bytes)" = 33554432 ]
    [ "$(cg cpu cpu.shares)" = 512 ]
    [ "$(cg cpu cpu.cfs_period_us)" = 50000 ]
    [ "$(cg cpu cpu.cfs_quota_us)" = 25000 ]
    [ "$(cg cpuset cpuset.cpus)" = 0 ]
    [ "$(cg pids pids.max)" = 20 ]
    # Only what is given changes; --cpu-shares is accepted too; -1 lifts a limit.
    rt update --cpu-shares 256 --pids-limit -1 --cpu-quota -1 "$ID"
    [ "$(cg cpu cpu.shares)" = 256 ]
    [ "$(cg pids pids.max)" = max ]
    [ "$(cg cpu cpu.cfs_quota_us)" = -1 ]
    [ "$(cg memory memory.limit_in_bytes)" = 67108864 ]
    # The container saw nothing but new limits.
    [ "$(status_of "$ID")" = running ]
}

@test "update: -r FILE and --resources - (stdin, as containerd sends it)" {
    v1_only
    sleeping
    echo '{"memory":{"limit":33554432},"cpu":{"shares":300},"pids":{"limit":9}}' >"$BATS_TEST_TMPDIR/r.json"
    rt update -r "$BATS_TEST_TMPDIR/r.json" "$ID"
    [ "$(cg memory memory.limit_in_bytes)" = 33554432 ]
    [ "$(cg cpu cpu.shares)" = 300 ]
    [ "$(cg pids pids.max)" = 9 ]
    # containerd's shape: a full LinuxResources object, device rules included (ignored).
    echo '{"devices":[{"allow":false,"access":"rwm"}],"memory":{"limit":50331648,"swap":50331648},"cpu":{"shares":1024,"quota":-1,"period":100000},"pids":{"limit":11}}' |
        rt update --resources - "$ID"
    [ "$(cg memory memory.limit_in_bytes)" = 50331648 ]
    [ "$(cg cpu cpu.shares)" = 1024 ]
    [ "$(cg pids pids.max)" = 11 ]
    # The flags are ignored when a file is given (runc's rule).
    rt update --resources=$BATS_TEST_TMPDIR/r.json --pids-limit 99 "$ID"
    [ "$(cg pids pids.max)" = 9 ]
    [ "$(status_of "$ID")" = running ]
}

@test "update: a paused container can be updated and stays paused" {
    v1_only
    sleeping
    rt pause "$ID"
    rt update --memory 100m "$ID"
    [ "$(cg memory memory.limit_in_bytes)" = 104857600 ]
    [ "$(status_of "$ID")" = paused ]
}

@test "update: runc writes the same values for the same flags" {
    v1_only
    command -v runc >/dev/null || skip "runc is not installed"
    RUNC_ROOT="$BATS_TEST_TMPDIR/runc"
    sleeping
    mkdir -p "$BATS_TEST_TMPDIR/rb"
    jq ".linux.cgroupsPath = \"/${ID}r\" | .root.path = \"$BUNDLE/rootfs\"" "$BUNDLE/config.json" >"$BATS_TEST_TMPDIR/rb/config.json"
    (cd "$BATS_TEST_TMPDIR/rb" && runc --root "$RUNC_ROOT" run -d "${ID}r" </dev/null >/dev/null 2>&1)
    flags=(--memory 48m --cpu-share 700 --cpu-period 20000 --cpu-quota 10000 --pids-limit 33 --memory-reservation 1g)
    runc --root "$RUNC_ROOT" update "${flags[@]}" "${ID}r"
    rt update "${flags[@]}" "$ID"
    for f in memory/memory.limit_in_bytes memory/memory.soft_limit_in_bytes cpu/cpu.shares \
        cpu/cpu.cfs_period_us cpu/cpu.cfs_quota_us pids/pids.max; do
        [ "$(cat /sys/fs/cgroup/${f%%/*}/${ID}r/${f#*/})" = "$(cat /sys/fs/cgroup/${f%%/*}/$ID/${f#*/})" ] || fail "$f differs"
    done
}

@test "update: memory.kernelTCP (config and --kernel-memory-tcp) is applied on v1" {
    v1_only
    bundle sleep 100
    config_edit "$BUNDLE" ".linux.cgroupsPath = \"/$ID\" | .linux.resources.memory = {\"limit\": 134217728, \"kernelTCP\": 16777216}"
    rt run -d --bundle "$BUNDLE" "$ID"
    [ -e /sys/fs/cgroup/memory/$ID/memory.kmem.tcp.limit_in_bytes ] || skip "no memory.kmem.tcp.limit_in_bytes on this kernel"
    [ "$(cg memory memory.kmem.tcp.limit_in_bytes)" = 16777216 ]
    rt update --kernel-memory-tcp 8m "$ID"
    [ "$(cg memory memory.kmem.tcp.limit_in_bytes)" = 8388608 ]
}

@test "update: bad values are one line naming the flag; a stopped or missing container is refused" {
    v1_only
    sleeping
    run rt update --memory 12x "$ID"
    [ "$status" -eq 2 ]
    [[ "$output" == "runtime: --memory: expected a size"*"got '12x'"* ]]
    run rt update --cpu-quota abc "$ID"
    [ "$status" -eq 2 ]
    [[ "$output" == "runtime: --cpu-quota: expected an integer, got 'abc'"* ]]
    run rt update --blkio-weight 5 "$ID"
    [ "$status" -eq 2 ]
    [[ "$output" == *"--blkio-weight: must be 10 to 1000, got '5'"* ]]
    run rt update --l3-cache-schema L3:0=f "$ID"
    [ "$status" -eq 1 ]
    [ "$output" = "runtime: --l3-cache-schema: Intel RDT is not supported by this runtime" ]
    echo '{"memory":{"limit":"big"}}' >"$BATS_TEST_TMPDIR/bad.json"
    run rt update -r "$BATS_TEST_TMPDIR/bad.json" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"bad.json"*"linux.resources.memory.limit"* ]]
    [ "$(wc -l <<<"$output")" = 1 ]
    run rt update -r "$BATS_TEST_TMPDIR/none.json" "$ID"
    [ "$status" -eq 4 ]
    [[ "$output" == *"none.json"* ]]
    # The kernel's refusal names the file and the value.
    run rt update --memory-swap 1m "$ID"
    [ "$status" -eq 1 ]
    [[ "$output" == *"memory.memsw.limit_in_bytes"* ]] || [[ "$output" == *"memory.limit_in_bytes"* ]]
    rt kill "$ID" KILL
    wait_status "$ID" stopped
    run rt update --memory 64m "$ID"
    [ "$status" -eq 7 ]
    [ "$output" = "runtime: cannot update container $ID: it is stopped" ]
    run rt update --memory 64m nosuch
    [ "$status" -eq 4 ]
}

@test "update v2: flags and --resources - in a v2-only VM" {
    require_vm
    bundle sleep 100
    config_edit "$BUNDLE" '.linux.cgroupsPath = "/v2upd" | .linux.resources.memory = {"limit": 134217728}'
    cat >"$BATS_TEST_TMPDIR/payload" <<PAYLOAD
rt() { "$RUNTIME" --root /run/rt "\$@"; }
d=/sys/fs/cgroup/v2upd
cd "$BUNDLE"
rt run -d u
rt update --memory 64m --memory-swap 96m --cpu-share 512 --cpu-period 50000 --cpu-quota 25000 --pids-limit 20 u; echo "R: flags=\$?"
for f in memory.max memory.swap.max cpu.weight cpu.max pids.max; do echo "R: \$f=\$(cat \$d/\$f)"; done
echo '{"memory":{"limit":33554432},"pids":{"limit":-1}}' | rt update --resources - u; echo "R: stdin=\$?"
echo "R: memory2=\$(cat \$d/memory.max)"
echo "R: pids2=\$(cat \$d/pids.max)"
rt pause u; rt update --memory 100m u; echo "R: paused=\$?"; rt resume u
rt update --cpu-rt-period 1000 u 2>&1 | sed 's/^/R: rt=/'
rt delete -f u
PAYLOAD
    vm_run --timeout 240 --copy "$RUNTIME" --copy "$BUNDLE" "$BATS_TEST_TMPDIR/payload"
    [ "$(vm_result flags)" = 0 ]
    [ "$(vm_result memory.max)" = 67108864 ]
    [ "$(vm_result memory.swap.max)" = 33554432 ] || [ "$(vm_result memory.swap.max)" = "" ]
    [ "$(vm_result cpu.weight)" = 20 ]
    [ "$(vm_result cpu.max)" = "25000 50000" ]
    [ "$(vm_result pids.max)" = 20 ]
    [ "$(vm_result stdin)" = 0 ]
    [ "$(vm_result memory2)" = 33554432 ]
    [ "$(vm_result pids2)" = max ]
    [ "$(vm_result paused)" = 0 ]
    [[ "$(vm_result rt)" == *"not supported on cgroup v2"* ]]
}
