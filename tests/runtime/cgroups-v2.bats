#!/usr/bin/env bats
# cgroup v2 on a real v2 kernel: Debian's kernel booted under qemu (TCG)
# with a busybox initramfs whose init mounts cgroup2 alone on
# /sys/fs/cgroup (tests/lib/qemu). Results come back over the serial console.
load ../lib/helpers
load ../lib/vm

setup_file() {
    require_vm
    [ "$(id -u)" = 0 ] || skip "needs root"
}

# The unit test binary, built when `make bats` did not build it.
unit_binary() {
    local bin="$BUILD_DIR/tests/runtime_cgroup"
    if [ ! -x "$bin" ]; then
        make -C "$PROJECT_ROOT" -s SANITIZE="${SANITIZE:-}" "${bin#"$PROJECT_ROOT"/}" >&2 || return 1
    fi
    echo "$bin"
}

@test "cgroup v2: the driver passes its unit test inside a v2-only VM" {
    bin=$(unit_binary)
    printf '%s\n' "$bin" >"$BATS_TEST_TMPDIR/payload"
    vm_run --timeout 180 --copy "$bin" "$BATS_TEST_TMPDIR/payload"
    echo "$output" | grep -qx '# cgroup mode: v2'
    [ "$(grep -c '^not ok' <<<"$output")" = 0 ] || fail "unit tests failed in the VM"
    # The v2-specific checks ran and passed.
    echo "$output" | grep -q '^ok .* v2 memory.max$'
    echo "$output" | grep -q '^ok .* v2 memory.swap.max$'
    echo "$output" | grep -q '^ok .* v2 cpu.weight$'
    echo "$output" | grep -q '^ok .* v2 cpu.max$'
    echo "$output" | grep -q '^ok .* unified pids.max verbatim$'
    echo "$output" | grep -q '^ok .* no directory left after destroy$'
    # Device rules enforced by the eBPF filter.
    echo "$output" | grep -q '^ok .* /dev/kmsg read only (bits 7)$'
}

# A payload that runs containers with the runtime inside the VM and prints
# "R: key=value" lines for the assertions.
write_runtime_payload() {
    cat >"$1" <<PAYLOAD
set -u
rt() { "$RUNTIME" --root /run/rt "\$@"; }
cd "$BUNDLE"
rt run -d demo; echo "R: run=\$?"
pid=\$(rt state demo | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
echo "R: cgroup=\$(cat /proc/\$pid/cgroup)"
d=/sys/fs/cgroup/cgv2-demo
for f in memory.max memory.swap.max cpu.max cpu.weight pids.max; do
    echo "R: \$f=\$(cat \$d/\$f 2>&1)"
done
echo "R: procs=\$(cat \$d/cgroup.procs | wc -l)"
# No cgroupsPath: /<id> below the parent of our own cgroup ("/" here).
mkdir -p /tmp/b2 && cp -a "$BUNDLE/rootfs" /tmp/b2/ && cp "$BUNDLE.plain.json" /tmp/b2/config.json
(cd /tmp/b2 && rt run -d plain); echo "R: plain-run=\$?"
ppid=\$(rt state plain | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
echo "R: plain-cgroup=\$(cat /proc/\$ppid/cgroup)"
rt delete -f plain; [ -e /sys/fs/cgroup/plain ] && echo "R: plain-left=yes" || echo "R: plain-left=no"
rt kill --all demo KILL; echo "R: killall=\$?"
rt delete -f demo; echo "R: delete=\$?"
[ -e \$d ] && echo "R: left=yes" || echo "R: left=no"
PAYLOAD
}

@test "cgroup v2: runtime run applies the Mesos demo limits on a v2-only VM and delete removes the cgroup" {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    make_bundle "$BUNDLE" sleep 60
    # += keeps the default spec's deny-all device rule: the eBPF filter is loaded too.
    config_edit "$BUNDLE" '.linux.cgroupsPath = "/cgv2-demo" |
        .linux.resources += {"memory":{"limit":209715200,"swap":314572800},
                            "cpu":{"shares":1024,"quota":100000,"period":100000},"pids":{"limit":100}}'
    jq 'del(.linux.cgroupsPath)' "$BUNDLE/config.json" >"$BUNDLE.plain.json"
    write_runtime_payload "$BATS_TEST_TMPDIR/payload"
    vm_run --timeout 180 --copy "$RUNTIME" --copy "$BUNDLE" --copy "$BUNDLE.plain.json" "$BATS_TEST_TMPDIR/payload"
    [ "$(vm_result run)" = 0 ]
    [ "$(vm_result cgroup)" = "0::/cgv2-demo" ]
    [ "$(vm_result memory.max)" = 209715200 ]
    [ "$(vm_result memory.swap.max)" = 104857600 ]
    [ "$(vm_result cpu.max)" = "100000 100000" ]
    [ "$(vm_result cpu.weight)" = 39 ]
    [ "$(vm_result pids.max)" = 100 ]
    [ "$(vm_result procs)" = 1 ]
    [ "$(vm_result killall)" = 0 ]
    [ "$(vm_result delete)" = 0 ]
    [ "$(vm_result left)" = no ]
    [ "$(vm_result plain-run)" = 0 ]
    [ "$(vm_result plain-cgroup)" = "0::/plain" ]
    [ "$(vm_result plain-left)" = no ]
}

@test "cgroup v2: device rules hold inside a container (the runtime's eBPF filter)" {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    make_bundle "$BUNDLE" sh -c 'head -c 1 /dev/kmsg >/dev/null && echo kmsg-read-ok; echo x >/dev/kmsg && echo kmsg-write-ok; echo y >/dev/null && echo null-ok'
    config_edit "$BUNDLE" '.linux.cgroupsPath = "/cgv2-dev" |
        .linux.devices = [{"path":"/dev/kmsg","type":"c","major":1,"minor":11,"fileMode":438}] |
        .linux.resources.devices += [{"allow":true,"type":"c","major":1,"minor":11,"access":"r"}] |
        .process.capabilities |= with_entries(.value += ["CAP_SYSLOG"])'
    printf 'cd %s\n%s --root /run/rt run dev 2>&1 | sed "s/^/R: /"\n' "$BUNDLE" "$RUNTIME" >"$BATS_TEST_TMPDIR/payload"
    vm_run --timeout 180 --copy "$RUNTIME" --copy "$BUNDLE" "$BATS_TEST_TMPDIR/payload"
    [[ "$output" == *"R: kmsg-read-ok"* ]]
    [[ "$output" != *kmsg-write-ok* ]]
    [[ "$output" == *"/dev/kmsg: Operation not permitted"* ]]
    [[ "$output" == *"R: null-ok"* ]]
}

@test "cgroup v2: Mesos demo from inside a cgroup namespace: own cgroup is /, memory.max holds 209715200" {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    make_bundle "$BUNDLE" sh -c 'cat /proc/self/cgroup; cat /sys/fs/cgroup/memory.max /sys/fs/cgroup/cpu.max; ps -o pid,args'
    config_edit "$BUNDLE" '.linux.cgroupsPath = "/cgv2-ns" | .linux.namespaces += [{"type":"cgroup"}] |
        .linux.resources += {"memory":{"limit":209715200},"cpu":{"shares":1024,"quota":100000,"period":100000}}'
    printf 'cd %s\n%s --root /run/rt run ns 2>&1 | sed "s/^/R: /"\n' "$BUNDLE" "$RUNTIME" >"$BATS_TEST_TMPDIR/payload"
    vm_run --timeout 180 --copy "$RUNTIME" --copy "$BUNDLE" "$BATS_TEST_TMPDIR/payload"
    r=$(echo "$output" | sed -n 's/^R: //p')
    [ "$(sed -n 1p <<<"$r")" = "0::/" ]
    [ "$(sed -n 2p <<<"$r")" = 209715200 ]
    [ "$(sed -n 3p <<<"$r")" = "100000 100000" ]
    grep -qE '^ *1 +(\{ps\} |ps )' <<<"$r"
}
