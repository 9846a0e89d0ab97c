#!/bin/bash
# Rootless container start: `run` of /bin/true by an ordinary user (made for
# the run, removed after) in a busybox bundle with the config of
# `runc spec --rootless` (user, pid, mount, uts, ipc namespaces; no cgroup
# limits), for our runtime, runc and crun, interleaved, the same bundle and
# each its own state root, timed in one shell of that user. Prints median
# and mean wall time per run; a peer that cannot run rootless here is named
# with its own error line.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-100}
runtime=${RUNTIME:-$here/../build/default/bin/runtime}
[ "$(id -u)" = 0 ] || { echo "start_rootless: needs root to create the bench user" >&2; exit 1; }

user="rlbench$$"
home=$(mktemp -d /tmp/bench-rootless.XXXXXX)
cleanup() {
    userdel "$user" 2>/dev/null || true
    rm -rf "$home"
}
trap cleanup EXIT
useradd -M -d "$home" -s /bin/sh -K SUB_UID_COUNT=0 -K SUB_GID_COUNT=0 "$user"
uid=$(id -u "$user")
gid=$(id -g "$user")

mkdir -p "$home/bin" "$home/run" "$home/bundle"
cp "$runtime" "$home/bin/runtime"
RUNTIME=$runtime IMAGETOOL=x PROJECT_ROOT=$here/.. \
    bash -c "bats_require_minimum_version() { :; }; source '$here/../tests/lib/helpers.bash'
        make_busybox_rootfs '$home/bundle/rootfs'"
chown -R "$uid:$gid" "$home"
chmod 755 "$home"

as_user() {
    setpriv --reuid="$uid" --regid="$gid" --init-groups --reset-env \
        env HOME="$home" XDG_RUNTIME_DIR="$home/run" PATH="$home/bin:/usr/bin:/bin:/usr/sbin:/sbin" "$@"
}
as_user sh -c "cd '$home/bundle' && runc spec --rootless"
as_user sh -c "jq '.process.args = [\"/bin/true\"] | .process.terminal = false' '$home/bundle/config.json' >'$home/c.json' &&
    mv '$home/c.json' '$home/bundle/config.json'"

names=(runtime runc crun)
bin_of() { case $1 in runtime) echo "$home/bin/runtime" ;; *) command -v "$1" ;; esac; }
bins=()
for n in "${names[@]}"; do
    if as_user "$(bin_of "$n")" --root "$home/run/$n" run -b "$home/bundle" warm-$n >"$home/warm.out" 2>&1; then
        bins+=("$n=$(bin_of "$n")")
    else
        echo "start_rootless: $n cannot run the bundle rootless here: $(tail -n1 "$home/warm.out")" >&2
    fi
done
# The loop runs as the user, in one shell: no setpriv in the figures.
cat >"$home/loop.sh" <<'LOOP'
runs=$1
shift
for i in $(seq "$runs"); do
    for nb in "$@"; do
        n=${nb%%=*}
        t0=$(date +%s%N)
        "${nb#*=}" --root "$HOME/run/$n" run -b "$HOME/bundle" "b$i" >/dev/null 2>&1 ||
            { echo "start_rootless: $n: run b$i failed" >&2; exit 1; }
        t1=$(date +%s%N)
        echo "$n $(( (t1 - t0) / 1000 ))"
    done
done
LOOP
as_user bash "$home/loop.sh" "$runs" "${bins[@]}" >"$home/times"
printf '%-8s %10s %10s   (%s runs of /bin/true, rootless, interleaved)\n' runtime median_ms mean_ms "$runs"
for nb in "${bins[@]}"; do
    n=${nb%%=*}
    awk -v n="$n" '$1 == n {print $2}' "$home/times" | sort -n |
        awk -v n="$n" '{a[NR] = $1; s += $1} END {printf "%-8s %10.2f %10.2f\n", n, a[int((NR + 1) / 2)] / 1000, s / NR / 1000}'
done
