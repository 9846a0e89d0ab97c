#!/usr/bin/env bats
# apply-layer on hand-written layers: whiteouts (both modes, opaque markers
# in both orders), hardlinks across layers, devices, owners and modes,
# xattrs, type changes, mtimes, compressions, errors. umoci is the oracle
# where it applies the same rules.

load ../lib/helpers
load layer-helpers

setup() {
    T="$BATS_TEST_TMPDIR"
    OUT="$T/rootfs"
}

teardown() {
    [ -z "${NR_DIR:-}" ] || rm -rf "$NR_DIR"
    if [ -n "${MERGED:-}" ] && mountpoint -q "$MERGED"; then
        umount "$MERGED"
    fi
}

# oracle_compare LAYER...: umoci raw unpack and apply-layer of the same layers agree
oracle_compare() {
    make_oci_image "$T/oci" t "$@"
    umoci_rootfs "$T/oci" t "$T/umoci" || fail "umoci failed"
    apply_layers "$OUT" "$@"
    same_tree "$T/umoci" "$OUT"
}

lower_layer() {
    make_tar "$T/l1.tar" <<'EOF'
dir d
file d/a
file d/b
dir d/sub
file d/sub/c
file keep
file gone
dir gonedir
file gonedir/x
EOF
}

@test "layer: file and dir whiteouts delete from lower layers (umoci agrees)" {
    lower_layer
    make_tar "$T/l2.tar" <<'EOF'
file .wh.gone
file .wh.gonedir
file d/.wh.a
file .wh.never-existed
file nodir/.wh.x
EOF
    oracle_compare "$T/l1.tar" "$T/l2.tar"
    [ ! -e "$OUT/gone" ] && [ ! -e "$OUT/gonedir" ] && [ ! -e "$OUT/d/a" ] && [ -f "$OUT/d/b" ]
    [ ! -e "$OUT/nodir" ] && [ ! -e "$OUT/.wh.gone" ]
}

@test "layer: aufs metadata (.wh..wh.*) is skipped, as Docker does (umoci keeps it)" {
    make_tar "$T/l1.tar" <<'EOF'
dir .wh..wh.plnk
file .wh..wh.plnk/1234.5678
file .wh..wh.aufs
file real
EOF
    apply_layers "$OUT" "$T/l1.tar"
    [ "$(ls -A "$OUT")" = real ]
}

@test "layer: an opaque marker before its siblings keeps only this layer's content" {
    lower_layer
    make_tar "$T/l2.tar" <<'EOF'
dir d
file d/.wh..wh..opq
file d/new
file d/sub/new2
EOF
    apply_layers "$OUT" "$T/l1.tar" "$T/l2.tar"
    [ "$(cd "$OUT/d" && find . | sort | tr '\n' ' ')" = ". ./new ./sub ./sub/new2 " ]
    [ -f "$OUT/keep" ]
}

@test "layer: an opaque marker after its siblings keeps only this layer's content" {
    lower_layer
    make_tar "$T/l2.tar" <<'EOF'
dir d
file d/new
file d/sub/new2
file d/.wh..wh..opq
EOF
    apply_layers "$OUT" "$T/l1.tar" "$T/l2.tar"
    [ "$(cd "$OUT/d" && find . | sort | tr '\n' ' ')" = ". ./new ./sub ./sub/new2 " ]
    [ -f "$OUT/keep" ] && [ -f "$OUT/gonedir/x" ]
}

@test "layer: overlay mode records whiteouts as overlayfs does" {
    lower_layer
    make_tar "$T/l2.tar" <<'EOF'
file .wh.gone
file d/.wh.a
file d/new
file d/.wh..wh..opq
file d/sub/.wh.c
EOF
    apply_layers "$T/c2" --whiteouts overlay "$T/l2.tar"
    [ "$(stat -c '%F %t,%T' "$T/c2/gone")" = "character special file 0,0" ]
    [ "$(stat -c '%F %t,%T' "$T/c2/d/a")" = "character special file 0,0" ]
    [ "$(stat -c '%F %t,%T' "$T/c2/d/sub/c")" = "character special file 0,0" ]
    [ "$(getfattr --only-values -n trusted.overlay.opaque "$T/c2/d")" = y ]
    [ ! -e "$T/c2/.wh.gone" ] && [ ! -e "$T/c2/d/.wh..wh..opq" ]
    [ -f "$T/c2/d/new" ]
}

@test "layer: overlay-mode layers mounted by overlayfs equal apply mode" {
    lower_layer
    make_tar "$T/l2.tar" <<'EOF'
file .wh.gone
file .wh.gonedir
file d/new
file d/.wh..wh..opq
file added
EOF
    make_tar "$T/l3.tar" <<'EOF'
file d/.wh.new
file d/third
dir gonedir
file gonedir/y
EOF
    apply_layers "$OUT" "$T/l1.tar" "$T/l2.tar" "$T/l3.tar"
    local i
    for i in 1 2 3; do
        apply_layers "$T/c$i" --whiteouts overlay "$T/l$i.tar"
    done
    MERGED="$T/merged"
    mkdir -p "$MERGED"
    mount -t overlay overlay -o "lowerdir=$T/c3:$T/c2:$T/c1" "$MERGED" || skip "overlayfs unavailable"
    same_tree "$OUT" "$MERGED"
    [ "$(cd "$MERGED/d" && ls | tr '\n' ' ')" = "third " ]
}

@test "layer: hardlinks within and across layers (umoci agrees)" {
    make_tar "$T/l1.tar" <<'EOF'
dir bin
file bin/busybox data=applet mode=755
hardlink bin/sh target=bin/busybox
EOF
    make_tar "$T/l2.tar" <<'EOF'
hardlink bin/ls target=bin/busybox
hardlink usr/bin/env target=/bin/sh
file bin/sh data=replaced
EOF
    oracle_compare "$T/l1.tar" "$T/l2.tar"
    [ "$(stat -c %i "$OUT/bin/busybox")" = "$(stat -c %i "$OUT/bin/ls")" ]
    [ "$(stat -c %i "$OUT/bin/busybox")" = "$(stat -c %i "$OUT/usr/bin/env")" ]
    [ "$(cat "$OUT/bin/sh")" = replaced ] && [ "$(cat "$OUT/bin/busybox")" = applet ]
}

@test "layer: devices, fifos, owners, setuid/setgid/sticky modes (umoci agrees)" {
    make_tar "$T/l1.tar" <<'EOF'
dir dev mode=755
chr dev/null dev=1,3 mode=666
blk dev/loop0 dev=7,0 mode=660 owner=0:6
fifo dev/initctl mode=600
file bin/su mode=4755
file bin/wall mode=2755 owner=0:5
dir tmp mode=1777
dir home/user mode=700 owner=1000:1000
file home/user/f owner=1000:1000 mode=640
symlink home/user/link target=f owner=1000:1000
dir odd mode=6711 owner=12:34
dir sgid mode=2775 owner=0:50
file sgid/f
dir sgid/sub
symlink sgid/l target=f
fifo sgid/p
EOF
    oracle_compare "$T/l1.tar"
    # entries in a set-group-ID dir get the tar's group, not the dir's
    [ "$(stat -c %g "$OUT/sgid/f" "$OUT/sgid/sub" "$OUT/sgid/l" "$OUT/sgid/p" | tr '\n' ' ')" = "0 0 0 0 " ]
    [ "$(stat -c '%a' "$OUT/sgid/sub")" = 755 ]
    [ "$(stat -c '%a %u:%g' "$OUT/bin/su")" = "4755 0:0" ]
    [ "$(stat -c '%a %u:%g' "$OUT/bin/wall")" = "2755 0:5" ]
    [ "$(stat -c '%a' "$OUT/tmp")" = 1777 ]
    [ "$(stat -c '%F %t,%T %a' "$OUT/dev/null")" = "character special file 1,3 666" ]
    [ "$(stat -c '%F %t,%T %g' "$OUT/dev/loop0")" = "block special file 7,0 6" ]
    [ -p "$OUT/dev/initctl" ]
    [ "$(stat -c '%u:%g' "$OUT/home/user/link")" = "1000:1000" ]
}

@test "layer: entries replace other types as tar does (umoci agrees)" {
    make_tar "$T/l1.tar" <<'EOF'
file a
dir b
file b/inner
symlink c target=/etc
dir d
file e
symlink f target=b
EOF
    make_tar "$T/l2.tar" <<'EOF'
dir a
file a/x
file b data=now-a-file
dir c
file c/y
symlink d target=/tmp
chr e dev=1,5
file f data=plain
EOF
    oracle_compare "$T/l1.tar" "$T/l2.tar"
    [ -d "$OUT/a" ] && [ -f "$OUT/b" ] && [ -d "$OUT/c" ] && [ ! -L "$OUT/c" ] && [ -L "$OUT/d" ]
    [ ! -e "$OUT/b/inner" ] && [ -f "$OUT/f" ] && [ ! -L "$OUT/f" ]
}

@test "layer: xattrs incl. security.capability are set; trusted.overlay.* from the tar is not" {
    mkdir -p "$T/src/bin"
    cp /bin/true "$T/src/bin/ping"
    setcap cap_net_raw+ep "$T/src/bin/ping"
    setfattr -n user.note -v hello "$T/src/bin/ping"
    mkdir "$T/src/dir"
    setfattr -n user.dirnote -v dirval "$T/src/dir"
    setfattr -n trusted.overlay.opaque -v y "$T/src/dir"
    tar --xattrs --xattrs-include='*' -C "$T/src" -czf "$T/l1.tar.gz" bin dir
    apply_layers "$OUT" "$T/l1.tar.gz"
    [[ "$(getcap "$OUT/bin/ping")" == *cap_net_raw* ]] || fail "no capability: $(getcap "$OUT/bin/ping")"
    [ "$(getfattr --only-values -n user.note "$OUT/bin/ping")" = hello ]
    [ "$(getfattr --only-values -n user.dirnote "$OUT/dir")" = dirval ]
    run getfattr -n trusted.overlay.opaque "$OUT/dir"
    [ "$status" -ne 0 ]
}

@test "layer: mtimes of files, dirs and symlinks are the tar's" {
    make_tar "$T/l1.tar" <<'EOF'
dir d mtime=1000000000
file d/f mtime=1100000000
symlink d/l target=f mtime=1200000000
dir d/e mtime=1300000000
file d/e/g mtime=1400000000
dir r mtime=1000000000
symlink r target=d mtime=1500000000
EOF
    apply_layers "$OUT" "$T/l1.tar"
    [ "$(stat -c %Y "$OUT/d")" = 1000000000 ]
    [ "$(stat -c %Y "$OUT/d/f")" = 1100000000 ]
    [ "$(stat -c %Y "$OUT/d/l")" = 1200000000 ]
    [ "$(stat -c %Y "$OUT/d/e")" = 1300000000 ]
    [ "$(stat -c %Y "$OUT/d/e/g")" = 1400000000 ]
    # a dir replaced later in the layer does not lend its time to the replacement
    [ "$(stat -c %Y "$OUT/r")" = 1500000000 ]
}

@test "layer: gzip, zstd, xz, bzip2 and plain layers give the same tree" {
    lower_layer
    gzip -c "$T/l1.tar" >"$T/l1.tar.gz"
    zstd -q -c "$T/l1.tar" >"$T/l1.tar.zst"
    xz -c "$T/l1.tar" >"$T/l1.tar.xz"
    bzip2 -c "$T/l1.tar" >"$T/l1.tar.bz2"
    apply_layers "$T/plain" "$T/l1.tar"
    local c
    for c in gz zst xz bz2; do
        apply_layers "$T/$c" "$T/l1.tar.$c"
        same_tree "$T/plain" "$T/$c" || fail "$c differs"
    done
}

@test "layer: without ISA-L, gzip layers (two members, a truncated one) go through zlib with the same tree and errors" {
    lower_layer
    gzip -c "$T/l1.tar" >"$T/l1.tar.gz"
    head -c 4096 "$T/l1.tar" | gzip -c >"$T/two.gz"
    tail -c +4097 "$T/l1.tar" | gzip -c >>"$T/two.gz"
    apply_layers "$T/isal" "$T/l1.tar.gz"
    mkdir -p "$T/zlib" "$T/zlib2"
    without_library libisal.so.2 "$IMAGETOOL" apply-layer "$T/l1.tar.gz" "$T/zlib"
    without_library libisal.so.2 "$IMAGETOOL" apply-layer "$T/two.gz" "$T/zlib2"
    same_tree "$T/isal" "$T/zlib"
    same_tree "$T/isal" "$T/zlib2"
    head -c $(( $(stat -c %s "$T/l1.tar.gz") / 2 )) "$T/l1.tar.gz" >"$T/half.gz"
    run without_library libisal.so.2 "$IMAGETOOL" apply-layer "$T/half.gz" "$T/half"
    [ "$status" -eq 3 ]
    [[ "$output" == *"half.gz: corrupt layer: "* ]] || fail "$output"
    [ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "layer: long names and UTF-8 names (umoci agrees)" {
    local long
    long=$(printf 'x%.0s' {1..150})
    make_tar "$T/l1.tar" <<EOF
dir $long
file $long/$long data=deep
file héllo-wörld data=utf8
symlink $long/link target=$long
EOF
    oracle_compare "$T/l1.tar"
    [ "$(cat "$OUT/$long/$long")" = deep ] && [ "$(cat "$OUT/héllo-wörld")" = utf8 ]
}

@test "layer: GNU and pax sparse files" {
    mkdir -p "$T/src"
    truncate -s 10M "$T/src/sparse"
    echo middle | dd of="$T/src/sparse" bs=1 seek=5000000 conv=notrunc status=none
    local fmt
    for fmt in gnu pax; do
        tar --sparse --format=$fmt -C "$T/src" -cf "$T/$fmt.tar" sparse
        apply_layers "$T/$fmt" "$T/$fmt.tar"
        [ "$(stat -c %s "$T/$fmt/sparse")" = 10485760 ]
        cmp "$T/src/sparse" "$T/$fmt/sparse"
        # the holes stay holes
        [ "$(stat -c %b "$T/$fmt/sparse")" -lt 1000 ] || fail "$fmt: $(stat -c %b "$T/$fmt/sparse") blocks"
    done
}

@test "layer: the ./ entry sets the target's own mode" {
    make_tar "$T/l1.tar" <<'EOF'
dir ./ mode=750
file ./f
EOF
    apply_layers "$OUT" "$T/l1.tar"
    [ "$(stat -c %a "$OUT")" = 750 ] && [ -f "$OUT/f" ]
}

@test "layer: a diff_id mismatch fails with both digests" {
    lower_layer
    local want="sha256:$(printf '0%.0s' {1..64})"
    run "$IMAGETOOL" apply-layer --diff-id "$want" "$T/l1.tar" "$OUT"
    [ "$status" -eq 3 ]
    [[ "$output" == *"l1.tar: diff_id mismatch: expected $want, got $(layer_diff_id "$T/l1.tar")"* ]] || fail "$output"
    # the right one passes, compressed too
    gzip -k "$T/l1.tar"
    run "$IMAGETOOL" apply-layer --diff-id "$(layer_diff_id "$T/l1.tar")" "$T/l1.tar.gz" "$T/ok"
    [ "$status" -eq 0 ] || fail "$output"
}

@test "layer: trailing data after the tar's end is part of the diff_id" {
    lower_layer
    head -c 4096 /dev/zero >>"$T/l1.tar"
    run "$IMAGETOOL" apply-layer --diff-id "$(layer_diff_id "$T/l1.tar")" "$T/l1.tar" "$OUT"
    [ "$status" -eq 0 ] || fail "$output"
}

@test "layer: a truncated gzip layer is a clear error" {
    lower_layer
    gzip -c "$T/l1.tar" >"$T/full.gz"
    head -c $(( $(stat -c %s "$T/full.gz") / 2 )) "$T/full.gz" >"$T/half.gz"
    run "$IMAGETOOL" apply-layer "$T/half.gz" "$OUT"
    [ "$status" -eq 3 ]
    [[ "$output" == *"half.gz: corrupt layer: truncated gzip input" ]] || fail "$output"
    [ "$(echo "$output" | wc -l)" -eq 1 ]
}

@test "layer: a corrupt gzip layer is a clear error" {
    lower_layer
    gzip -c "$T/l1.tar" >"$T/bad.gz"
    printf 'garbagegarbage' | dd of="$T/bad.gz" bs=1 seek=40 conv=notrunc status=none
    run "$IMAGETOOL" apply-layer "$T/bad.gz" "$OUT"
    [ "$status" -eq 3 ]
    [[ "$output" == *"bad.gz: corrupt layer: "* ]] || fail "$output"
}

@test "layer: something that is not a tar is refused" {
    head -c 3000 /dev/urandom >"$T/noise"
    run "$IMAGETOOL" apply-layer "$T/noise" "$OUT"
    [ "$status" -eq 3 ] || fail "$status $output"
    [[ "$output" == *"noise: "* ]] || fail "$output"
}

@test "layer: apply-layer usage errors" {
    run "$IMAGETOOL" apply-layer --whiteouts sideways x y
    [ "$status" -eq 2 ]
    run "$IMAGETOOL" apply-layer onlyone
    [ "$status" -eq 2 ]
    run "$IMAGETOOL" apply-layer --diff-id md5:abc x y
    [ "$status" -eq 2 ]
    run "$IMAGETOOL" apply-layer "$T/missing.tar" "$OUT"
    [ "$status" -eq 4 ]
}

@test "layer: a damaged tar header is an error, not a garbage entry" {
    printf 'file a\nfile b\nfile c\n' | make_tar "$T/dmg.tar"
    python3 -c '
import sys
b = bytearray(open(sys.argv[1], "rb").read())
hdr = b.rfind(b"ustar") - 257
b[hdr + 148:hdr + 156] = b"0000000\0"  # a wrong checksum for the last header
open(sys.argv[1], "wb").write(b)
' "$T/dmg.tar"
    run "$IMAGETOOL" apply-layer "$T/dmg.tar" "$OUT"
    [ "$status" -eq 3 ]
    [[ "$output" == *"dmg.tar: corrupt tar: Damaged tar archive" ]] || fail "$output"
    [ "$(ls "$OUT")" = "$(printf 'a\nb')" ]
}

@test "layer: a truncated plain tar is a clear error naming the entry" {
    make_tar "$T/l1.tar" <<'EOF2'
file small
EOF2
    head -c 200000 /dev/urandom >"$T/big"
    tar -C "$T" -rf "$T/l1.tar" big
    head -c 100000 "$T/l1.tar" >"$T/cut.tar"
    run "$IMAGETOOL" apply-layer "$T/cut.tar" "$OUT"
    [ "$status" -eq 3 ]
    [[ "$output" == *"cut.tar: big: read data: Truncated tar archive" ]] || fail "$output"
}

@test "layer: unprivileged, owners stay the caller's and device nodes are skipped with a warning" {
    NR_DIR=$(mktemp -d /tmp/layer-nr.XXXXXX)
    chmod 755 "$NR_DIR"
    make_tar "$NR_DIR/l.tar" <<'EOF'
chr dev/null dev=1,3 mode=666
fifo dev/f
file home/x owner=1000:1000
EOF
    chmod 644 "$NR_DIR/l.tar"
    mkdir "$NR_DIR/out"
    chown 65534:65534 "$NR_DIR/out"
    run setpriv --reuid=65534 --regid=65534 --clear-groups "$IMAGETOOL" apply-layer "$NR_DIR/l.tar" "$NR_DIR/out"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"warning: device nodes skipped: unprivileged"* ]] || fail "$output"
    [ ! -e "$NR_DIR/out/dev/null" ] && [ -p "$NR_DIR/out/dev/f" ]
    [ "$(stat -c %u "$NR_DIR/out/home/x")" = 65534 ]
}
