#!/bin/bash
# Container start through containerd: `ctr run --rm IMAGE ID true` under a
# private containerd (tests/lib/containerd.bash), with our runtime, runc and
# crun as the shim's binary, interleaved round by round, in one run. crun 1.8
# refuses hybrid cgroup hosts, so containerd's mount namespace has the
# unified hierarchy unmounted, for all three alike (as bench/start.sh does).
# Prints the median and mean wall time of each. (podman: bench/clients.sh.)
set -euo pipefail
command -v containerd >/dev/null && command -v ctr >/dev/null ||
    { echo "containerd is not installed: skipped (deps/bench.txt)"; exit 0; }
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d /tmp/bench-containerd.XXXXXX)
RUNTIME=${RUNTIME:-$here/../build/default/bin/runtime}
runs=${BENCH_RUNS:-30}

export PROJECT_ROOT=$here/.. CTD_DIR=$work/containerd CTD_NS=bench$$
# shellcheck source=../tests/lib/containerd.bash
source "$here/../tests/lib/containerd.bash"
cleanup() {
    ctd_stop || true
    rm -rf "$work"
}
trap cleanup EXIT

ctd_config "$CTD_DIR/config.toml"
ctd_start "$CTD_DIR/config.toml" 'umount /sys/fs/cgroup/unified 2>/dev/null || true'
ctd_import_demo 2>/dev/null

declare -A bins=([ours]=$RUNTIME)
command -v runc >/dev/null && bins[runc]=$(command -v runc)
command -v crun >/dev/null && bins[crun]=$(command -v crun)
names=(ours runc crun)

# one NAME I: one timed `ctr run --rm`, in ms, appended to $work/NAME.
one() {
    local t0 t1
    t0=$(date +%s%N)
    ctr_ run --rm --runc-binary "${bins[$1]}" localhost/demo:demo "b-$1-$2" true >/dev/null 2>&1 ||
        { echo "$1: ctr run failed" >&2; return 1; }
    t1=$(date +%s%N)
    echo $(((t1 - t0) / 1000)) >>"$work/$1"
}

for n in "${names[@]}"; do
    [ -n "${bins[$n]:-}" ] || continue
    one "$n" warm || { unset "bins[$n]"; continue; }
    : >"$work/$n"
done
for i in $(seq "$runs"); do
    for n in "${names[@]}"; do
        [ -n "${bins[$n]:-}" ] && one "$n" "$i"
    done
done

stat_ms() { # FILE: "median mean" in ms
    sort -n "$1" | awk '{ v[NR] = $1; s += $1 } END {
        m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
        printf "%.1f %.1f\n", m / 1000, s / NR / 1000 }'
}
read -r ours_med _ < <(stat_ms "$work/ours")
echo "ctr run --rm demo true, $runs interleaved rounds, load $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-6s %10s %10s %8s\n' runtime median_ms mean_ms vs_ours
for n in "${names[@]}"; do
    [ -n "${bins[$n]:-}" ] || { printf '%-6s %s\n' "$n" "(not installed or failed)"; continue; }
    read -r med mean < <(stat_ms "$work/$n")
    printf '%-6s %10s %10s %7.2fx\n' "$n" "$med" "$mean" "$(echo "$med / $ours_med" | bc -l)"
done
