#!/bin/bash
# Rootless container start on a pure cgroup v2 kernel: the qemu VM of the
# cgroup v2 tests (tests/lib/qemu, TCG: absolute times are the emulator's,
# several times the host's; the ratios are what this measures). As uid 1000
# in the VM, `run` of /bin/true in a busybox bundle with the config of
# `runc spec --rootless`, for our runtime, runc and crun, interleaved, the
# same bundle, each its own state root. crun runs here although it refuses
# this project's hybrid host (see bench/start_rootless.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
runs=${BENCH_RUNS:-20}
runtime=${RUNTIME:-$here/../build/default/bin/runtime}
[ "$(id -u)" = 0 ] || { echo "start_rootless_vm: needs root (qemu's initramfs holds root-owned files)" >&2; exit 1; }
command -v qemu-system-x86_64 >/dev/null || { echo "start_rootless_vm: qemu-system-x86 is not installed" >&2; exit 1; }

work=$(mktemp -d /tmp/bench-rootless-vm.XXXXXX)
trap 'rm -rf "$work"' EXIT
bundle=$work/bundle
mkdir -p "$bundle"
RUNTIME=$runtime IMAGETOOL=x PROJECT_ROOT=$here/.. \
    bash -c "bats_require_minimum_version() { :; }; source '$here/../tests/lib/helpers.bash'
        make_busybox_rootfs '$bundle/rootfs'"
(cd "$bundle" && runc spec --rootless)
jq '.process.args = ["/bin/true"] | .process.terminal = false |
    .linux.uidMappings[0].hostID = 1000 | .linux.gidMappings[0].hostID = 1000' \
    "$bundle/config.json" >"$work/c.json"
mv "$work/c.json" "$bundle/config.json"

copies=(--copy "$runtime" --copy "$bundle" --copy /usr/bin/date --copy /usr/bin/setpriv)
bins="runtime=$(readlink -f "$runtime")"
for peer in runc crun; do
    p=$(command -v "$peer" 2>/dev/null) || { echo "start_rootless_vm: $peer is not installed" >&2; continue; }
    copies+=(--copy "$p")
    bins+=" $peer=$(readlink -f "$p")"
done

cat >"$work/loop" <<LOOP
cd /home/u
for nb in $bins; do
    n=\${nb%%=*}
    "\${nb#*=}" --root /home/u/run/\$n run -b /home/u/bundle warm-\$n >/tmp/warm 2>&1 ||
        echo "B: \$n cannot run: \$(tail -n1 /tmp/warm)"
done
i=0
while [ \$i -lt $runs ]; do
    i=\$((i + 1))
    for nb in $bins; do
        n=\${nb%%=*}
        t0=\$(/usr/bin/date +%s%N)
        "\${nb#*=}" --root /home/u/run/\$n run -b /home/u/bundle b\$i >/dev/null 2>&1 || echo "B: \$n: run b\$i failed"
        t1=\$(/usr/bin/date +%s%N)
        echo "T: \$n \$(( (t1 - t0) / 1000 ))"
    done
done
LOOP
cat >"$work/payload" <<PAYLOAD
echo 'u:x:1000:1000::/home/u:/bin/sh' >>/etc/passwd
echo 'u:x:1000:' >>/etc/group
mkdir -p /home/u/run
cp -a "$bundle" /home/u/bundle
cp "$work/loop" /home/u/loop
chown -R 1000:1000 /home/u
chmod 700 /home/u/run
/usr/bin/setpriv --reuid=1000 --regid=1000 --clear-groups env HOME=/home/u XDG_RUNTIME_DIR=/home/u/run sh /home/u/loop
PAYLOAD
out=$("$here/../tests/lib/qemu/run-vm" --timeout 900 "${copies[@]}" --copy "$work/loop" "$work/payload") || {
    echo "$out" | tail -n 20 >&2
    echo "start_rootless_vm: the VM did not finish" >&2
    exit 1
}
grep '^B: ' <<<"$out" | sed 's/^B: /start_rootless_vm: /' >&2 || true
printf '%-8s %10s %10s   (%s runs of /bin/true, rootless, cgroup v2 VM under TCG, interleaved)\n' runtime median_ms mean_ms "$runs"
for nb in $bins; do
    n=${nb%%=*}
    sed -n "s/^T: $n //p" <<<"$out" | sort -n |
        awk -v n="$n" '{a[NR] = $1; s += $1} END {if (NR) printf "%-8s %10.2f %10.2f\n", n, a[int((NR + 1) / 2)] / 1000, s / NR / 1000}'
done
