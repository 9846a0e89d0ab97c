#!/bin/bash
# Unpack benchmark, in one run:
#  1. a large multi-layer image (~150 MB: busybox, then host trees from
#     /usr/lib/python3.11, /usr/share and /usr/include, with file, directory
#     and opaque whiteouts between layers), built here as an OCI layout:
#     `umoci unpack` against `imagetool unpack` (copy backend), interleaved,
#     medians; imagetool both with a fresh store (import + unpack) and with
#     the image already in the store;
#  2. overlay backend: time of a further bundle of an image already in the
#     store, the small demo image against the large one.
# (A debootstrap minbase rootfs needs the network; host files stand in.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IMAGETOOL=${IMAGETOOL:-$here/../build/default/bin/imagetool}
RUNS=${BENCH_RUNS:-5}
OVERLAY_RUNS=${BENCH_OVERLAY_RUNS:-20}
work=$(mktemp -d /tmp/bench-unpack.XXXXXX)
cleanup() {
    local m
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$work/" | sort -r); do umount "$m" || true; done
    rm -rf "$work"
}
trap cleanup EXIT

# layer DIR: tar+gzip DIR's entries into the layout; prints "diff_id digest size".
layer() {
    local dir=$1 tar=$work/layer.tar
    (cd "$dir" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort |
        tar --sort=name --numeric-owner -cf "$tar" -T -)
    local diff hex
    diff=$(sha256sum "$tar" | cut -d' ' -f1)
    gzip -1 -n -c "$tar" >"$tar.gz"
    hex=$(sha256sum "$tar.gz" | cut -d' ' -f1)
    mv "$tar.gz" "$work/big/blobs/sha256/$hex"
    echo "sha256:$diff sha256:$hex $(stat -c %s "$work/big/blobs/sha256/$hex")"
    rm -f "$tar"
}

stage() {
    rm -rf "$work/stage"
    mkdir -p "$work/stage"
    echo "$work/stage"
}

build_big_image() {
    mkdir -p "$work/big/blobs/sha256"
    local s layers=()
    s=$(stage)
    mkdir -p "$s/bin" "$s/etc" "$s/tmp"
    cp /bin/busybox "$s/bin/"
    for a in $(/bin/busybox --list); do [ "$a" = busybox ] || ln -s busybox "$s/bin/$a"; done
    echo 'root:x:0:0:root:/root:/bin/sh' >"$s/etc/passwd"
    layers+=("$(layer "$s")")

    s=$(stage)
    mkdir -p "$s/usr/lib"
    cp -a /usr/lib/python3.11 "$s/usr/lib/"
    layers+=("$(layer "$s")")

    s=$(stage) # whiteouts: a directory, single files; and new content
    mkdir -p "$s/usr/lib/python3.11/json" "$s/usr/share"
    touch "$s/usr/lib/python3.11/.wh.test" "$s/usr/lib/python3.11/json/.wh.decoder.py"
    touch "$s/usr/lib/python3.11/.wh.LICENSE.txt"
    cp -a /usr/share/perl /usr/share/zoneinfo /usr/share/man "$s/usr/share/"
    layers+=("$(layer "$s")")

    s=$(stage) # an opaque directory replaces zoneinfo; the headers
    mkdir -p "$s/usr/share/zoneinfo" "$s/usr"
    touch "$s/usr/share/zoneinfo/.wh..wh..opq"
    echo UTC >"$s/usr/share/zoneinfo/only-this"
    cp -a /usr/include "$s/usr/"
    layers+=("$(layer "$s")")

    local diff_ids="[]" descs="[]" l d g sz
    for l in "${layers[@]}"; do
        read -r d g sz <<<"$l"
        diff_ids=$(jq -c --arg d "$d" '. + [$d]' <<<"$diff_ids")
        descs=$(jq -c --arg g "$g" --argjson s "$sz" \
            '. + [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $g, size: $s}]' <<<"$descs")
    done
    jq -n -c --argjson ids "$diff_ids" '{architecture: "amd64", os: "linux",
        config: {Cmd: ["/bin/sh"]}, rootfs: {type: "layers", diff_ids: $ids}}' >"$work/config.json"
    local chex mhex
    chex=$(sha256sum "$work/config.json" | cut -d' ' -f1)
    cp "$work/config.json" "$work/big/blobs/sha256/$chex"
    jq -n -c --arg c "sha256:$chex" --argjson cs "$(stat -c %s "$work/config.json")" --argjson l "$descs" \
        '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
          config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs}, layers: $l}' \
        >"$work/manifest.json"
    mhex=$(sha256sum "$work/manifest.json" | cut -d' ' -f1)
    cp "$work/manifest.json" "$work/big/blobs/sha256/$mhex"
    printf '{"imageLayoutVersion":"1.0.0"}' >"$work/big/oci-layout"
    jq -n -c --arg m "sha256:$mhex" --argjson ms "$(stat -c %s "$work/manifest.json")" \
        '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json",
          digest: $m, size: $ms, annotations: {"org.opencontainers.image.ref.name": "big"}}]}' \
        >"$work/big/index.json"
}

now_ns() { date +%s%N; }

# timed CMD...: run CMD quietly, print its wall time in ms (3 decimals).
timed() {
    local t0 t1
    t0=$(now_ns)
    "$@" >/dev/null 2>"$work/err" || { cat "$work/err" >&2; return 1; }
    t1=$(now_ns)
    awk -v d=$((t1 - t0)) 'BEGIN { printf "%.3f\n", d / 1e6 }'
}

median() {
    sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

fresh() {
    rm -rf "$work/out"
    mkdir -p "$work/out"
}

bench_copy() {
    local i umoci=() cold=() warm=()
    "$IMAGETOOL" --store "$work/warm-store" unpack -q "oci:$work/big:big" "$work/warm-first"
    echo "unpacked: $(du -sm --apparent-size "$work/warm-first/rootfs" | cut -f1) MiB, $(find "$work/warm-first/rootfs" | wc -l) entries"
    rm -rf "$work/warm-first"
    local digest="sha256:$(sha256sum "$work/manifest.json" | cut -d' ' -f1)"
    for ((i = 0; i < RUNS; i++)); do
        fresh
        sync
        umoci+=("$(timed umoci unpack --image "$work/big:big" "$work/out/umoci")")
        rm -rf "$work/cold-store"
        sync
        cold+=("$(timed "$IMAGETOOL" --store "$work/cold-store" unpack -q "oci:$work/big:big" "$work/out/cold")")
        sync
        warm+=("$(timed "$IMAGETOOL" --store "$work/warm-store" unpack -q "$digest" "$work/out/warm")")
    done
    local mu mc mw
    mu=$(printf '%s\n' "${umoci[@]}" | median)
    mc=$(printf '%s\n' "${cold[@]}" | median)
    mw=$(printf '%s\n' "${warm[@]}" | median)
    printf '%-44s %10s %8s\n' "copy unpack of the large image ($RUNS runs)" "median ms" "ratio"
    printf '%-44s %10.1f %8s\n' "umoci unpack" "$mu" "1.00"
    printf '%-44s %10.1f %8.2f\n' "imagetool unpack (fresh store: import+unpack)" "$mc" "$(awk -v a="$mc" -v b="$mu" 'BEGIN{print a/b}')"
    printf '%-44s %10.1f %8.2f\n' "imagetool unpack (image already in store)" "$mw" "$(awk -v a="$mw" -v b="$mu" 'BEGIN{print a/b}')"
    # the two trees are the same
    if diff -q <(python3 "$here/../../shared/images/real/rootfs-manifest.py" "$work/out/umoci/rootfs" 2>/dev/null) \
        <(python3 "$here/../../shared/images/real/rootfs-manifest.py" "$work/out/warm/rootfs" 2>/dev/null) >/dev/null; then
        echo "trees: identical (rootfs-manifest.py)"
    else
        echo "trees: DIFFER"
    fi
}

# first_bundle NAME REF: import REF and fill the layer cache; prints the manifest digest.
first_bundle() {
    "$IMAGETOOL" --store "$work/ov-store" unpack -q --backend overlay "$2" "$work/ov-first-$1" >&2
    jq -r .image "$work/ov-first-$1/.imagetool.json"
}

bench_overlay() {
    local small large i ts=() tl=()
    small=$(first_bundle small "oci:$work/small:demo")
    large=$(first_bundle large "oci:$work/big:big")
    for ((i = 0; i < OVERLAY_RUNS; i++)); do # interleaved, so load on the machine hits both alike
        ts+=("$(timed "$IMAGETOOL" --store "$work/ov-store" unpack -q --backend overlay "$small" "$work/ov-small-$i")")
        tl+=("$(timed "$IMAGETOOL" --store "$work/ov-store" unpack -q --backend overlay "$large" "$work/ov-large-$i")")
    done
    printf '%-44s %10s\n' "overlay bundle from the store ($OVERLAY_RUNS runs)" "median ms"
    printf '%-44s %10.1f\n' "small image (demo, 2 layers, 1 MiB)" "$(printf '%s\n' "${ts[@]}" | median)"
    printf '%-44s %10.1f\n' "large image (4 layers, 300 MB)" "$(printf '%s\n' "${tl[@]}" | median)"
    local rm=()
    for ((i = 0; i < OVERLAY_RUNS; i++)); do
        rm+=("$(timed "$IMAGETOOL" rm-bundle "$work/ov-small-$i")")
        "$IMAGETOOL" rm-bundle "$work/ov-large-$i"
    done
    printf '%-44s %10.1f\n' "rm-bundle of an unused overlay bundle" "$(printf '%s\n' "${rm[@]}" | median)"
    "$IMAGETOOL" rm-bundle "$work/ov-first-small" "$work/ov-first-large"
}

main() {
    echo "building the large image..." >&2
    build_big_image
    "$here/../tests/lib/make-demo-image.sh" "$work/small" demo
    local size
    size=$(du -sb "$work/big/blobs" | cut -f1)
    echo "large image: 4 layers, $((size / 1048576)) MiB compressed"
    bench_copy
    echo
    bench_overlay
}

main
