#!/bin/bash
# Registry pull benchmark, in one run: a large multi-layer image (~150 MB:
# busybox, then host trees from /usr/lib/python3.11, /usr/share and
# /usr/include, gzip -1) pushed to Debian's docker-registry on 127.0.0.1;
# then, interleaved, BENCH_RUNS times (default 3), each from an empty store:
#   imagetool unpack docker://127.0.0.1:PORT/bench/big:latest BUNDLE   (pull + unpack)
#   skopeo copy docker://... oci:DIR:big && umoci unpack --image DIR:big BUNDLE
# and the pull alone (imagetool pull vs skopeo copy). Medians and ratios.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IMAGETOOL=${IMAGETOOL:-$here/../build/default/bin/imagetool}
RUNS=${BENCH_RUNS:-3}
work=$(mktemp -d "${TMPDIR:-/tmp}/bench-pull.XXXXXX")
export REG_PIDS_FILE=$work/pids BATS_FILE_TMPDIR=$work
# shellcheck source=../tests/lib/registry/registry.bash
source "$here/../tests/lib/registry/registry.bash"
cleanup() {
    reg_stop_all
    local m
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$work/" | sort -r); do umount "$m" || true; done
    rm -rf "$work"
}
trap cleanup EXIT

stage() { # stage NAME: a fresh directory for one layer's files
    mkdir -p "$work/layers/$1"
    echo "$work/layers/$1"
}

build_big_image() {
    local s
    s=$(stage 1-busybox)
    mkdir -p "$s/bin" "$s/etc" "$s/tmp"
    cp /bin/busybox "$s/bin/"
    "$s/bin/busybox" --install -s "$s/bin"
    echo 'root:x:0:0:root:/root:/bin/sh' >"$s/etc/passwd"
    s=$(stage 2-python)
    mkdir -p "$s/usr/lib"
    cp -a /usr/lib/python3.11 "$s/usr/lib/"
    s=$(stage 3-share)
    mkdir -p "$s/usr/share"
    cp -a /usr/share/perl /usr/share/zoneinfo /usr/share/man "$s/usr/share/"
    s=$(stage 4-include)
    mkdir -p "$s/usr"
    cp -a /usr/include "$s/usr/"
    GZIP_LEVEL=1 oci_image_build "$work/big" big "$work"/layers/* >/dev/null
    rm -rf "$work/layers"
}

now_ns() { date +%s%N; }

timed() { # timed CMD...: wall time of CMD in ms
    local t0 t1
    t0=$(now_ns)
    "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    t1=$(now_ns)
    awk -v d=$((t1 - t0)) 'BEGIN { printf "%.1f\n", d / 1e6 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.1f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

peers_pull_unpack() {
    skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$SRC" "oci:$work/run/oci:big" &&
        umoci unpack --image "$work/run/oci:big" "$work/run/umoci"
}

fresh() {
    local m # the default backend's bundle is a mount
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$work/run/" | sort -r); do umount "$m"; done
    rm -rf "$work/run"
    mkdir -p "$work/run"
    sync
}

row() { # row LABEL MS BASE_MS
    printf '%-52s %10.1f %8.2f\n' "$1" "$2" "$(awk -v a="$2" -v b="$3" 'BEGIN { print a / b }')"
}

main() {
    echo "building the large image..." >&2
    build_big_image
    registry_start REG "$work/storage"
    SRC="127.0.0.1:$REG_PORT/bench/big:latest"
    reg_push "$work/big:big" "$SRC"
    local size
    size=$(du -sb "$work/big/blobs" | cut -f1)
    echo "large image: 4 layers, $((size / 1048576)) MiB compressed, from docker-registry on 127.0.0.1"
    echo "peers: $(skopeo --version | head -1); $(umoci --version | head -1)"
    local i backend peers=() ours=() skopeo_pull=() our_pull=()
    for ((i = 0; i < RUNS; i++)); do
        fresh
        peers+=("$(timed peers_pull_unpack)")
        fresh
        ours+=("$(timed "$IMAGETOOL" --store "$work/run/store" unpack -q "docker://$SRC" "$work/run/bundle")")
        backend=$(jq -r .backend "$work/run/bundle/.imagetool.json")
        fresh
        skopeo_pull+=("$(timed skopeo --insecure-policy copy -q --src-tls-verify=false "docker://$SRC" "oci:$work/run/oci:big")")
        fresh
        our_pull+=("$(timed "$IMAGETOOL" --store "$work/run/store" pull -q "docker://$SRC")")
    done
    local mp mo msp mop
    mp=$(printf '%s\n' "${peers[@]}" | median)
    mo=$(printf '%s\n' "${ours[@]}" | median)
    msp=$(printf '%s\n' "${skopeo_pull[@]}" | median)
    mop=$(printf '%s\n' "${our_pull[@]}" | median)
    printf '%-52s %10s %8s\n' "pull + unpack, empty store ($RUNS runs)" "median ms" "ratio"
    row "skopeo copy docker:// oci: + umoci unpack" "$mp" "$mp"
    row "imagetool unpack docker:// (default backend: $backend)" "$mo" "$mp"
    row "skopeo copy docker:// oci: (pull only)" "$msp" "$msp"
    row "imagetool pull docker:// (pull only)" "$mop" "$msp"
    cc -O2 -o "$work/peakrss" "$here/peakrss.c"
    fresh
    echo "peak RSS, imagetool unpack docker:// (empty store): $("$work/peakrss" "$IMAGETOOL" --store "$work/run/store" unpack -q "docker://$SRC" "$work/run/bundle") KiB"
    fresh
    echo "peak RSS, imagetool pull docker:// (empty store): $("$work/peakrss" "$IMAGETOOL" --store "$work/run/store" pull -q "docker://$SRC" | tail -1) KiB" # after the digest pull prints
    fresh
}

main
