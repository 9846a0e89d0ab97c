#!/usr/bin/env bats
# The Mesos demo: a busybox "image OS" whose /etc/issue differs from the
# host's, run with cpus 1 and mem 200 MiB: `ps` inside sees the container's
# process as PID 1, and the memory cgroup's limit file holds 209715200.

load lib_core

setup() { core_setup; }
teardown() { core_teardown; }

@test "mesos demo: image OS, PID 1, cpus 1 and mem 200 MiB" {
    bundle sh -c 'cat /etc/issue; ps -o pid,comm; sleep 100'
    echo "Welcome to the image OS ($ID)" >"$BUNDLE/rootfs/etc/issue"
    config_edit "$BUNDLE" '.linux.resources = {"cpu": {"quota": 100000, "period": 100000},
                                               "memory": {"limit": 209715200}}'
    rt run -d --bundle "$BUNDLE" "$ID" >"$BATS_TEST_TMPDIR/out"
    mem=$(find /sys/fs/cgroup/memory /sys/fs/cgroup/unified /sys/fs/cgroup -maxdepth 6 -type d -name "$ID" 2>/dev/null | head -n1)
    [ -n "$mem" ] || fail "no cgroup directory named $ID"
    for i in $(seq 50); do grep -q sleep "$BATS_TEST_TMPDIR/out" && break; sleep 0.1; done
    cat "$BATS_TEST_TMPDIR/out"
    grep -qx "Welcome to the image OS ($ID)" "$BATS_TEST_TMPDIR/out"
    run ! grep -qx "Welcome to the image OS ($ID)" /etc/issue
    # ps inside: the container's shell is PID 1
    grep -Eq '^ *1 +sh$' "$BATS_TEST_TMPDIR/out" || fail "PID 1 is not sh: $(cat "$BATS_TEST_TMPDIR/out")"
    # the limits, from the host
    pid=$(pid_of "$ID")
    memdir=/sys/fs/cgroup/memory$(awk -F: '$2 == "memory" {print $3}' /proc/$pid/cgroup)
    if [ -d "$memdir" ]; then
        [ "$(cat "$memdir/memory.limit_in_bytes")" = 209715200 ]
    else
        [ "$(cat /sys/fs/cgroup$(awk -F: '$1 == "0" {print $3}' /proc/$pid/cgroup)/memory.max)" = 209715200 ]
    fi
    # and inside, through the container's own cgroup mount when there is one
    if nsenter -t "$pid" -m test -e /sys/fs/cgroup/memory/memory.limit_in_bytes; then
        [ "$(nsenter -t "$pid" -m cat /sys/fs/cgroup/memory/memory.limit_in_bytes)" = 209715200 ]
    fi
}
