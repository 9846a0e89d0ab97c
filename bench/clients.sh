#!/bin/bash
# Container start through the real clients: `podman run --rm IMAGE true` with
# our runtime, runc and crun as podman's runtime, interleaved round by round
# in one run; prints median, p10 and p90 wall times and the ratios.
# podman gets private --root/--runroot/--tmpdir and containers.conf (as in
# tests/integration/podman.bats) and the demo image the tests build.
# crun 1.8 refuses hybrid cgroup hosts, so the loop runs in a private mount
# namespace with the unified hierarchy unmounted, for all runtimes alike.
# BENCH_RUNS (default 20) rounds; each client has its own function.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
ours=${RUNTIME:-$here/../build/default/bin/runtime}
runs=${BENCH_RUNS:-20}

# stats NAME FILE: one row of median, p10, p90 (ms) of the times in FILE.
stats() {
    sort -n "$2" | awk -v n="$1" '{ t[NR] = $1 } END {
        m = (NR % 2) ? t[(NR + 1) / 2] : (t[NR / 2] + t[NR / 2 + 1]) / 2
        printf "%-6s %10.1f %10.1f %10.1f\n", n, m, t[int(NR / 10) + 1], t[int(NR * 9 / 10) + (NR * 9 % 10 > 0)] }'
}

# time_ms CMD...: CMD's wall time in ms on stdout; CMD's output discarded,
# its failure fatal.
time_ms() {
    local t0 t1
    t0=$(date +%s%N)
    "$@" >/dev/null 2>"$work/err" || { echo "failed: $* ($(cat "$work/err"))" >&2; return 1; }
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000)) | awk '{ printf "%.1f\n", $1 / 1000 }'
}

podman_bench() {
    local p=$work/podman
    mkdir -p "$p"
    cat >"$p/containers.conf" <<CONF
[containers]
default_ulimits = ["nofile=$(ulimit -Hn):$(ulimit -Hn)", "nproc=1024:1024"]
[network]
network_backend = "cni"
CONF
    pm() {
        CONTAINERS_CONF="$p/containers.conf" podman --root "$p/root" --runroot "$p/runroot" \
            --tmpdir "$p/tmp" --storage-driver vfs --cgroup-manager cgroupfs \
            --events-backend file "$@"
    }
    "$here/../tests/lib/make-demo-image.sh" "$p/image" demo >/dev/null
    tar -C "$p/image" -cf "$p/demo.tar" .
    pm load -q -i "$p/demo.tar" >/dev/null
    local -A rts=([ours]=$ours [runc]=$(command -v runc) [crun]=$(command -v crun || true))
    local names=() n i
    for n in ours runc crun; do
        if [ -z "${rts[$n]}" ]; then
            echo "$n: not installed"
        elif ! pm --runtime "${rts[$n]}" run --rm --network none demo true >/dev/null 2>"$work/err"; then
            echo "$n: does not run here: $(tail -1 "$work/err")"
        else
            names+=("$n")
        fi
    done
    for i in $(seq "$runs"); do
        for n in "${names[@]}"; do
            time_ms pm --runtime "${rts[$n]}" run --rm --network none demo true >>"$work/podman-$n"
        done
    done
    echo "podman run --rm demo true: $runs runs per runtime (interleaved), podman $(podman --version | cut -d' ' -f3)"
    printf "%-6s %10s %10s %10s\n" "" "median ms" "p10 ms" "p90 ms"
    for n in "${names[@]}"; do
        stats "$n" "$work/podman-$n"
    done
    for n in "${names[@]}"; do
        [ "$n" = ours ] && continue
        echo "ratio ours/$n: $(paste <(stats a "$work/podman-ours") <(stats b "$work/podman-$n") | awk '{ printf "%.2f", $2 / $6 }')"
    done
    pm rm -a -f -t 0 >/dev/null 2>&1 || true
}

if [ "${1:-}" != --inner ]; then
    command -v podman >/dev/null || { echo "podman: not installed, skipped"; exit 0; }
    exec unshare -m "$0" --inner
fi
umount /sys/fs/cgroup/unified 2>/dev/null || true
work=$(mktemp -d /tmp/bench-clients.XXXXXX)
trap 'rm -rf "$work"' EXIT
podman_bench
