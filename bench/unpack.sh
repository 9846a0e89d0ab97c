#!/bin/bash
# Unpack benchmark, in one run:
#  1. a large multi-layer image (~150 MB: busybox, then host trees from
#     /usr/lib/python3.11, /usr/share and /usr/include, with file, directory
#     and opaque whiteouts between layers), built here as an OCI layout:
#     `umoci unpack` against `imagetool unpack`, interleaved, medians;
#     GNU tar -xzf of the same layers and umoci raw unpack as further
#     baselines; the default backend (erofs), squashfs and the copy backend,
#     each with a fresh store and with the image in the store; reading /usr
#     back from each; peak RSS of an unpack; the layer images' sizes;
#  2. erofs, squashfs and overlay backends: time of a further bundle of an
#     image already in the store, the small demo image against the large
#     one, with and without another bundle of it mounted.
# (A debootstrap minbase rootfs needs the network; host files stand in.)
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
IMAGETOOL=${IMAGETOOL:-$here/../build/default/bin/imagetool}
RUNS=${BENCH_RUNS:-5}
OVERLAY_RUNS=${BENCH_OVERLAY_RUNS:-20}
MANIFEST=$here/../../shared/images/real/rootfs-manifest.py
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

# timed CMD...: run CMD quietly; print its wall time and its CPU time
# (user + sys, from wait4), in ms.
timed() {
    python3 -c '
import os, subprocess, sys, time
t0 = time.monotonic()
p = subprocess.Popen(sys.argv[2:], stdout=subprocess.DEVNULL, stderr=open(sys.argv[1], "w"))
_, status, ru = os.wait4(p.pid, 0)
wall = (time.monotonic() - t0) * 1e3
if status != 0:
    sys.stderr.write(open(sys.argv[1]).read())
    sys.exit(1)
print("%.3f %.3f" % (wall, (ru.ru_utime + ru.ru_stime) * 1e3))
' "$work/err" "$@"
}

# median [COLUMN]: of the numbers in COLUMN (default 1) of stdin.
median() {
    awk -v c="${1:-1}" '{ print $c }' | sort -n | awk '{ v[NR] = $1 } END { if (NR % 2) print v[(NR + 1) / 2]; else printf "%.3f\n", (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

fresh() {
    rm -rf "$work/out"
    mkdir -p "$work/out"
}

# row LABEL "WALL CPU"...: a table row with the medians and the wall ratio to $base.
row() {
    local label=$1
    shift
    local w c
    w=$(printf '%s\n' "$@" | median 1)
    c=$(printf '%s\n' "$@" | median 2)
    printf '%-46s %10.1f %10.1f %7s\n' "$label" "$w" "$c" \
        "$([ -n "${base:-}" ] && awk -v a="$w" -v b="$base" 'BEGIN { printf "%.2f", a / b }')"
    last=$w
}

# unmount_under DIR: the squashfs and overlay backends' bundles are mounts.
unmount_under() {
    local m
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$1/" | sort -r); do umount "$m"; done
}

# tar_layers DIR LAYER...: GNU tar -xzf of each layer in order into DIR
# (whiteout files are extracted as files: the bare cost of extraction).
tar_layers() {
    local dir=$1
    shift
    mkdir -p "$dir"
    local l
    for l in "$@"; do tar --numeric-owner -xzf "$l" -C "$dir"; done
}

# bench_unpack DIR WHAT: the unpack table with stores and bundles under DIR.
bench_unpack() {
    local dir=$1 what=$2 i umoci=() raw=() tarx=() sqcold=() sqwarm=() efcold=() efwarm=() cold=() warm=() layers=()
    for i in $(jq -r '.layers[].digest' "$work/manifest.json"); do layers+=("$work/big/blobs/sha256/${i#sha256:}"); done
    "$IMAGETOOL" --store "$dir/warm-store" unpack -q --backend copy "oci:$work/big:big" "$dir/warm-first"
    "$IMAGETOOL" --store "$dir/sq-store" unpack -q --backend squashfs "oci:$work/big:big" "$dir/sq-first"
    "$IMAGETOOL" rm-bundle "$dir/sq-first"
    "$IMAGETOOL" --store "$dir/ef-store" unpack -q "oci:$work/big:big" "$dir/ef-first"
    "$IMAGETOOL" rm-bundle "$dir/ef-first"
    rm -rf "$dir/warm-first"
    local digest="sha256:$(sha256sum "$work/manifest.json" | cut -d' ' -f1)"
    # Interleaved, so load on the machine hits all alike. On a disk every run
    # writes into new directories and the trees go only at the end: ext4
    # without a journal (this host's root) will not reuse an inode freed in
    # the last 30 s and scans past every such inode at each file it creates,
    # which made whichever tool ran after an rm -rf pay for it.
    local keep=1
    [ "$(stat -f -c %T "$dir")" = tmpfs ] && keep=0
    for ((i = 0; i < RUNS; i++)); do
        unmount_under "$dir/out"
        if [ "$keep" = 1 ]; then
            [ ! -d "$dir/out" ] || mv "$dir/out" "$dir/old-$i"
            [ ! -d "$dir/cold-store" ] || mv "$dir/cold-store" "$dir/old-cold-store-$i"
            [ ! -d "$dir/sq-cold-store" ] || mv "$dir/sq-cold-store" "$dir/old-sq-cold-store-$i"
            [ ! -d "$dir/ef-cold-store" ] || mv "$dir/ef-cold-store" "$dir/old-ef-cold-store-$i"
        fi
        rm -rf "$dir/out" "$dir/cold-store" "$dir/sq-cold-store" "$dir/ef-cold-store"
        mkdir -p "$dir/out"
        sync
        umoci+=("$(timed umoci unpack --image "$work/big:big" "$dir/out/umoci")")
        sync
        raw+=("$(timed umoci raw unpack --image "$work/big:big" "$dir/out/raw")")
        sync
        tarx+=("$(timed bash -c "$(declare -f tar_layers); tar_layers \"\$@\"" _ "$dir/out/tar" "${layers[@]}")")
        sync
        efcold+=("$(timed "$IMAGETOOL" --store "$dir/ef-cold-store" unpack -q "oci:$work/big:big" "$dir/out/efcold")")
        sync
        efwarm+=("$(timed "$IMAGETOOL" --store "$dir/ef-store" unpack -q "$digest" "$dir/out/efwarm")")
        sync
        sqcold+=("$(timed "$IMAGETOOL" --store "$dir/sq-cold-store" unpack -q --backend squashfs "oci:$work/big:big" "$dir/out/sqcold")")
        sync
        sqwarm+=("$(timed "$IMAGETOOL" --store "$dir/sq-store" unpack -q --backend squashfs "$digest" "$dir/out/sqwarm")")
        sync
        cold+=("$(timed "$IMAGETOOL" --store "$dir/cold-store" unpack -q --backend copy "oci:$work/big:big" "$dir/out/cold")")
        sync
        warm+=("$(timed "$IMAGETOOL" --store "$dir/warm-store" unpack -q --backend copy "$digest" "$dir/out/warm")")
    done
    printf '%-46s %10s %10s %7s\n' "unpack on $what ($RUNS runs, medians)" "wall ms" "cpu ms" "ratio"
    local base="" last tar_ms
    row "umoci unpack" "${umoci[@]}"
    base=$last
    row "umoci raw unpack (no mtree)" "${raw[@]}"
    row "GNU tar -xzf of the 4 layers in order" "${tarx[@]}"
    tar_ms=$last
    row "imagetool, default ($(jq -r .backend "$dir/out/efcold/.imagetool.json")), fresh store" "${efcold[@]}"
    echo "  (x GNU tar: $(awk -v a="$last" -v b="$tar_ms" 'BEGIN { printf "%.2f", a / b }'))"
    row "imagetool, default, image in the store" "${efwarm[@]}"
    row "imagetool, squashfs (lz4), fresh store" "${sqcold[@]}"
    echo "  (x GNU tar: $(awk -v a="$last" -v b="$tar_ms" 'BEGIN { printf "%.2f", a / b }'))"
    row "imagetool, squashfs, image in the store" "${sqwarm[@]}"
    row "imagetool, copy, fresh store (import+unpack)" "${cold[@]}"
    echo "  (x GNU tar: $(awk -v a="$last" -v b="$tar_ms" 'BEGIN { printf "%.2f", a / b }'))"
    row "imagetool, copy, image already in the store" "${warm[@]}"
    local t
    if [ ! -f "$MANIFEST" ]; then
        echo "trees: not compared (no ../shared/images/real/rootfs-manifest.py)"
    else
        for t in efcold efwarm sqcold sqwarm cold warm; do
            diff -q <(python3 "$MANIFEST" "$dir/out/umoci/rootfs") <(python3 "$MANIFEST" "$dir/out/$t/rootfs") >/dev/null ||
                echo "trees: $t DIFFERS from umoci"
        done
        echo "trees: compared with umoci's (rootfs-manifest.py)"
    fi
    # reading the whole of /usr back (warm caches), default backend against copy
    local rd=() rs=() rc=() reads=$((RUNS * 3))
    for ((i = 0; i < reads; i++)); do
        rd+=("$(timed bash -c 'tar -C "$1" -cf - usr | cat >/dev/null' _ "$dir/out/efwarm/rootfs")")
        rs+=("$(timed bash -c 'tar -C "$1" -cf - usr | cat >/dev/null' _ "$dir/out/sqwarm/rootfs")")
        rc+=("$(timed bash -c 'tar -C "$1" -cf - usr | cat >/dev/null' _ "$dir/out/warm/rootfs")")
    done
    base=""
    row "read rootfs/usr (tar | cat), copy bundle ($reads runs)" "${rc[@]}"
    base=$last
    row "read rootfs/usr (tar | cat), default bundle" "${rd[@]}"
    row "read rootfs/usr (tar | cat), squashfs bundle" "${rs[@]}"
    cc -O2 -o "$work/peakrss" "$here/peakrss.c"
    unmount_under "$dir/out"
    rm -rf "$dir/out" "$dir/ef-cold-store"
    echo "peak RSS, imagetool unpack (default, fresh store): $("$work/peakrss" "$IMAGETOOL" --store "$dir/ef-cold-store" unpack -q "oci:$work/big:big" "$dir/out/rss") KiB"
    unmount_under "$dir/out"
    echo "store size of the layer images: erofs $(du -sm "$dir/ef-store/images" | cut -f1) MiB, squashfs $(du -sm "$dir/sq-store/images" | cut -f1) MiB"
    rm -rf "$dir/out" "$dir/cold-store" "$dir/warm-store" "$dir/sq-cold-store" "$dir/sq-store" "$dir/ef-cold-store" "$dir/ef-store" "$dir"/old-*
}

# first_bundle BACKEND NAME REF: import REF, fill the backend's cache; prints the manifest digest.
first_bundle() {
    "$IMAGETOOL" --store "$work/ov-store" unpack -q --backend "$1" "$3" "$work/ov-first-$1-$2" >&2
    jq -r .image "$work/ov-first-$1-$2/.imagetool.json"
}

# bench_second BACKEND: a further bundle of an image already in the store.
bench_second() {
    local be=$1 small large i ts=() tl=() tv=() rm=()
    small=$(first_bundle "$be" small "oci:$work/small:demo")
    large=$(first_bundle "$be" large "oci:$work/big:big")
    for ((i = 0; i < OVERLAY_RUNS; i++)); do
        tv+=("$(timed "$IMAGETOOL" --version)")
        ts+=("$(timed "$IMAGETOOL" --store "$work/ov-store" unpack -q --backend "$be" "$small" "$work/ov-small-$i")")
        tl+=("$(timed "$IMAGETOOL" --store "$work/ov-store" unpack -q --backend "$be" "$large" "$work/ov-large-$i")")
    done
    printf '%-46s %10s %10s %7s\n' "$be bundle from the store ($OVERLAY_RUNS runs)" "wall ms" "cpu ms" "ratio"
    local base="" last
    row "small image (demo: 2 layers, 1 MiB)" "${ts[@]}"
    base=$last
    row "large image (4 layers, $(du -sm --apparent-size "$work/ov-large-0/rootfs" | cut -f1) MiB)" "${tl[@]}"
    base=""
    row "(floor: imagetool --version, exec alone)" "${tv[@]}"
    for ((i = 0; i < OVERLAY_RUNS; i++)); do
        rm+=("$(timed "$IMAGETOOL" rm-bundle "$work/ov-small-$i")")
        "$IMAGETOOL" rm-bundle "$work/ov-large-$i"
    done
    row "rm-bundle of a $be bundle" "${rm[@]}"
    # with no other bundle of the image mounted, nothing to share (squashfs:
    # a loop device and a superblock per layer again)
    local solo=()
    "$IMAGETOOL" umount "$work/ov-first-$be-large"
    for ((i = 0; i < OVERLAY_RUNS; i++)); do
        solo+=("$(timed "$IMAGETOOL" --store "$work/ov-store" unpack -q --backend "$be" "$large" "$work/ov-solo-$i")")
        "$IMAGETOOL" rm-bundle "$work/ov-solo-$i"
    done
    row "large image, no other bundle of it mounted" "${solo[@]}"
    "$IMAGETOOL" rm-bundle "$work/ov-first-$be-small" "$work/ov-first-$be-large"
}

main() {
    echo "building the large image..." >&2
    build_big_image
    "$here/../tests/lib/make-demo-image.sh" "$work/small" demo
    "$IMAGETOOL" --store "$work/size-store" unpack -q --backend copy "oci:$work/big:big" "$work/warm-first"
    rm -rf "$work/size-store"
    local size
    size=$(du -sb "$work/big/blobs" | cut -f1)
    echo "large image: 4 layers, $((size / 1048576)) MiB compressed; load average: $(cut -d' ' -f1-3 /proc/loadavg) on $(nproc) CPUs"
    echo "peers: $(umoci --version | head -1); $(tar --version | head -1)"
    echo "unpacked: $(du -sm --apparent-size "$work/warm-first/rootfs" | cut -f1) MiB, $(find "$work/warm-first/rootfs" | wc -l) entries"
    rm -rf "$work/warm-first"
    bench_unpack "$work/ext4" "$(df --output=fstype "$work" | tail -1) (disk)"
    echo
    # the same on tmpfs: no disk, so the figures are CPU and the kernel's file creation
    mkdir -p "$work/tmpfs"
    mount -t tmpfs -o size=4g tmpfs "$work/tmpfs"
    bench_unpack "$work/tmpfs" "tmpfs"
    umount "$work/tmpfs"
    echo
    # The unpack rows' clean-up freed some 300k inodes and a few GiB: let
    # the disk's discards finish and ext4's 30 s window end (without a
    # journal it scans past every inode freed within it at each inode it
    # makes) before timing the few-millisecond rows.
    sync
    sleep 35
    bench_second erofs
    echo
    bench_second squashfs
    echo
    bench_second overlay
}

main
