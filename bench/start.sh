#!/bin/bash
# Container start: `run` of /bin/true in a busybox bundle with pid, mount,
# uts, ipc, net and cgroup namespaces and a cgroup with memory, cpu and pids
# limits, for our runtime, runc and crun, interleaved, in one run.
# crun 1.8 refuses hybrid cgroup hosts, so the whole loop runs in a private
# mount namespace with the unified hierarchy unmounted, for all three alike.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bench-start.XXXXXX)
trap 'rm -rf "$work"' EXIT

RUNTIME=${RUNTIME:-$here/../build/default/bin/runtime} IMAGETOOL=${IMAGETOOL:-x} PROJECT_ROOT=$here/.. \
    bash -c "source '$here/../tests/lib/helpers.bash'; make_busybox_rootfs '$work/bundle/rootfs'"
runc spec --bundle "$work/bundle"
jq '.process.args = ["/bin/true"] | .process.terminal = false
    | .linux.namespaces = [{"type":"pid"},{"type":"mount"},{"type":"uts"},{"type":"ipc"},{"type":"network"},{"type":"cgroup"}]
    | .linux.resources.memory = {"limit": 209715200}
    | .linux.resources.cpu = {"shares": 1024, "quota": 100000, "period": 100000}
    | .linux.resources.pids = {"limit": 100}' \
    "$work/bundle/config.json" >"$work/c.json" && mv "$work/c.json" "$work/bundle/config.json"

cc -O2 -o "$work/peakrss" "$here/peakrss.c"
unshare -m sh -c "umount /sys/fs/cgroup/unified 2>/dev/null; exec python3 '$here/start_loop.py' '$work' '${RUNTIME:-$here/../build/default/bin/runtime}' ${BENCH_RUNS:-200} '$work/peakrss'"
