#!/usr/bin/env bats
# The copy and overlay backends, umount and rm-bundle.

load ../lib/helpers
load unpack_helpers

teardown() {
    # never leave a mount behind, whatever failed
    local m
    for m in $(awk '{print $5}' /proc/self/mountinfo | grep "^$BATS_TEST_TMPDIR/" | sort -r); do
        umount "$m" 2>/dev/null || true
    done
}

@test "backend: copy and overlay give the same tree as the image's" {
    local ref="oci:$(demo_image):demo"
    it_unpack --backend copy "$ref" "$BATS_TEST_TMPDIR/copy"
    it_unpack --backend overlay "$ref" "$BATS_TEST_TMPDIR/ov"
    diff -u <(rootfs_listing "$BATS_TEST_TMPDIR/copy/rootfs") <(rootfs_listing "$BATS_TEST_TMPDIR/ov/rootfs")
    [ "$(jq -r .backend "$BATS_TEST_TMPDIR/ov/.imagetool.json")" = overlay ]
    [ "$(jq -r .backend "$BATS_TEST_TMPDIR/copy/.imagetool.json")" = copy ]
    diff <(jq 'del(.hostname)' "$BATS_TEST_TMPDIR/copy/config.json") <(jq 'del(.hostname)' "$BATS_TEST_TMPDIR/ov/config.json")
}

@test "backend: overlay matches EXPECTED for a 14-layer image with whiteouts" {
    require_shared_images
    local d="$SHARED_IMAGES/dive-docker-save-14layers"
    it_unpack --backend overlay "docker-archive:$d/test-docker-image.tar" "$BATS_TEST_TMPDIR/ov"
    diff -u "$d/EXPECTED/test-docker-image.rootfs.txt" <(rootfs_listing "$BATS_TEST_TMPDIR/ov/rootfs")
    d="$SHARED_IMAGES/gcr-docker-archives"
    it_unpack --backend overlay "docker-archive:$d/whiteout_dir.tar" "$BATS_TEST_TMPDIR/ov2"
    diff -u "$d/EXPECTED/whiteout_dir.rootfs.txt" <(rootfs_listing "$BATS_TEST_TMPDIR/ov2/rootfs")
}

@test "backend: overlay rootfs is a mount of the cached layers; writes go to the bundle's upper dir" {
    local b="$BATS_TEST_TMPDIR/ov" store="$BATS_TEST_TMPDIR/store"
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b"
    run findmnt -n -o FSTYPE,OPTIONS --mountpoint "$b/rootfs"
    [ "$status" -eq 0 ] || fail "no mount on $b/rootfs"
    [[ "$output" == overlay* ]]
    [[ "$output" == *"upperdir=$b/.overlay/upper"* ]]
    local before after
    before=$(cd "$store" && find . -path ./tmp -prune -o -print0 | sort -z | xargs -0 stat -c '%n %s %Y %h' 2>/dev/null | sha256sum)
    echo changed >"$b/rootfs/etc/issue"
    rm "$b/rootfs/bin/ls"
    mkdir "$b/rootfs/newdir"
    after=$(cd "$store" && find . -path ./tmp -prune -o -print0 | sort -z | xargs -0 stat -c '%n %s %Y %h' 2>/dev/null | sha256sum)
    [ "$before" = "$after" ]
    [ "$(cat "$b/.overlay/upper/etc/issue")" = changed ]
    [ -d "$b/.overlay/upper/newdir" ]
    # a second bundle of the same image does not see the first one's writes
    it_unpack --backend overlay "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/ov2"
    [[ "$(cat "$BATS_TEST_TMPDIR/ov2/rootfs/etc/issue")" == Welcome* ]]
    [ -L "$BATS_TEST_TMPDIR/ov2/rootfs/bin/ls" ]
}

@test "backend: umount unmounts, rm-bundle unmounts and deletes, nothing stays mounted" {
    local b="$BATS_TEST_TMPDIR/ov"
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b"
    "$IMAGETOOL" umount "$b"
    no_mounts_under "$b"
    [ -d "$b/.overlay/upper" ]
    "$IMAGETOOL" umount "$b" # twice is fine
    "$IMAGETOOL" rm-bundle "$b"
    [ ! -e "$b" ]
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b"
    "$IMAGETOOL" rm-bundle "$b"
    [ ! -e "$b" ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "backend: rm-bundle removes a copy bundle and refuses what unpack did not make" {
    local b="$BATS_TEST_TMPDIR/copy"
    it_unpack "oci:$(demo_image):demo" "$b"
    "$IMAGETOOL" rm-bundle "$b"
    [ ! -e "$b" ]
    mkdir -p "$BATS_TEST_TMPDIR/precious/x"
    run "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/precious"
    [ "$status" -eq 4 ]
    [ -d "$BATS_TEST_TMPDIR/precious/x" ]
    run "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/missing"
    [ "$status" -eq 4 ]
}

@test "backend: rm-bundle refuses a bundle whose rootfs is busy" {
    local b="$BATS_TEST_TMPDIR/ov"
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b"
    (cd "$b/rootfs" && exec sleep 30) &
    local pid=$!
    sleep 0.2
    run "$IMAGETOOL" rm-bundle "$b"
    kill "$pid"
    wait "$pid" || true
    [ "$status" -eq 7 ] || fail "status $status: $output"
    [ -f "$b/config.json" ]
    "$IMAGETOOL" rm-bundle "$b"
    [ ! -e "$b" ]
}

@test "backend: a failed overlay unpack leaves no mount and no bundle" {
    local ref b="$BATS_TEST_TMPDIR/ov"
    ref=$(demo_with '.config.User = "nosuchuser"')
    run it_unpack --backend overlay "$ref" "$b"
    [ "$status" -eq 3 ]
    [ ! -e "$b" ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
    # an existing empty bundle dir is emptied again, not removed
    mkdir "$b"
    run it_unpack --backend overlay "$ref" "$b"
    [ "$status" -eq 3 ]
    [ -d "$b" ] && [ -z "$(ls -A "$b")" ]
    no_mounts_under "$BATS_TEST_TMPDIR/"
}

@test "backend: unpack refuses a bundle dir that is not empty, and an unknown backend" {
    mkdir -p "$BATS_TEST_TMPDIR/full/keep"
    run it_unpack "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/full"
    [ "$status" -eq 7 ]
    [ -d "$BATS_TEST_TMPDIR/full/keep" ] && [ ! -e "$BATS_TEST_TMPDIR/full/rootfs" ]
    run it_unpack --backend zfs "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/z"
    [ "$status" -eq 2 ]
    [ ! -e "$BATS_TEST_TMPDIR/z" ]
}

@test "backend: overlay bundle runs under runc and its writes stay in the bundle" {
    local b="$BATS_TEST_TMPDIR/ov"
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b" sh -c 'echo hello >/tmp/f; cat /etc/os-release | head -1'
    run runc_run "$b"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$output" = 'NAME="Imagetool Demo"' ]
    [ "$(cat "$b/.overlay/upper/tmp/f")" = hello ]
    "$IMAGETOOL" rm-bundle "$b"
}

@test "backend: a second overlay bundle of an image in the store takes about as long for a bigger image" {
    # small: the demo image; big: the demo image plus a 64 MiB layer
    local big="$BATS_TEST_TMPDIR/big" blob="$BATS_TEST_TMPDIR/blob"
    mkdir -p "$blob/data"
    head -c 64M /dev/urandom >"$blob/data/file"
    tar -C "$blob" -cf "$BATS_TEST_TMPDIR/l.tar" data
    local lhex lsize
    lhex=$(sha256sum "$BATS_TEST_TMPDIR/l.tar" | cut -d' ' -f1)
    lsize=$(stat -c %s "$BATS_TEST_TMPDIR/l.tar")
    derive_image "$(demo_image)" "$big" ".rootfs.diff_ids += [\"sha256:$lhex\"]"
    mv "$BATS_TEST_TMPDIR/l.tar" "$big/blobs/sha256/$lhex"
    local m mhex
    m=$(jq -r '.manifests[0].digest' "$big/index.json")
    jq -c --arg d "sha256:$lhex" --argjson s "$lsize" \
        '.layers += [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $d, size: $s}]' \
        "$big/blobs/sha256/${m#sha256:}" >"$BATS_TEST_TMPDIR/m.json"
    mhex=$(sha256sum "$BATS_TEST_TMPDIR/m.json" | cut -d' ' -f1)
    cp "$BATS_TEST_TMPDIR/m.json" "$big/blobs/sha256/$mhex"
    jq -c --arg d "sha256:$mhex" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/m.json")" \
        '.manifests[0].digest = $d | .manifests[0].size = $s' "$big/index.json" >"$big/index.new"
    mv "$big/index.new" "$big/index.json"

    it_unpack --backend overlay "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/s1"
    it_unpack --backend overlay "oci:$big:demo" "$BATS_TEST_TMPDIR/b1"
    local small_ref big_ref
    small_ref=$(jq -r .image "$BATS_TEST_TMPDIR/s1/.imagetool.json")
    big_ref=$(jq -r .image "$BATS_TEST_TMPDIR/b1/.imagetool.json")
    local t0 t1 t2
    t0=$(date +%s%N)
    it_unpack --backend overlay "$small_ref" "$BATS_TEST_TMPDIR/s2"
    t1=$(date +%s%N)
    it_unpack --backend overlay "$big_ref" "$BATS_TEST_TMPDIR/b2"
    t2=$(date +%s%N)
    local small_ms=$(( (t1 - t0) / 1000000 )) big_ms=$(( (t2 - t1) / 1000000 ))
    echo "# second bundle: small ${small_ms} ms, big ${big_ms} ms" >&3
    [ -f "$BATS_TEST_TMPDIR/b2/rootfs/data/file" ]
    # generous bounds: the machine is shared; bench/unpack.sh measures properly
    [ "$big_ms" -lt $(( small_ms * 3 + 50 )) ] || fail "big ${big_ms} ms vs small ${small_ms} ms"
    [ "$big_ms" -lt 200 ] || fail "big ${big_ms} ms"
    "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/s1" "$BATS_TEST_TMPDIR/s2" "$BATS_TEST_TMPDIR/b1" "$BATS_TEST_TMPDIR/b2"
}

@test "backend: unpack killed with SIGTERM half way removes the bundle, then dies of the signal" {
    # a 128 MiB layer of zeros: small to store, long enough to apply
    local img="$BATS_TEST_TMPDIR/img" src="$BATS_TEST_TMPDIR/src"
    mkdir -p "$src/data"
    head -c 128M /dev/zero >"$src/data/zeros"
    tar -C "$src" -cf - data | gzip -1 >"$BATS_TEST_TMPDIR/l.tar.gz"
    rm -rf "$src"
    local diff hex size m
    diff=$(gzip -dc "$BATS_TEST_TMPDIR/l.tar.gz" | sha256sum | cut -d' ' -f1)
    hex=$(sha256sum "$BATS_TEST_TMPDIR/l.tar.gz" | cut -d' ' -f1)
    size=$(stat -c %s "$BATS_TEST_TMPDIR/l.tar.gz")
    derive_image "$(demo_image)" "$img" ".rootfs.diff_ids += [\"sha256:$diff\"]"
    mv "$BATS_TEST_TMPDIR/l.tar.gz" "$img/blobs/sha256/$hex"
    m=$(jq -r '.manifests[0].digest' "$img/index.json")
    jq -c --arg d "sha256:$hex" --argjson s "$size" \
        '.layers += [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $d, size: $s}]' \
        "$img/blobs/sha256/${m#sha256:}" >"$BATS_TEST_TMPDIR/m.json"
    hex=$(sha256sum "$BATS_TEST_TMPDIR/m.json" | cut -d' ' -f1)
    cp "$BATS_TEST_TMPDIR/m.json" "$img/blobs/sha256/$hex"
    jq -c --arg d "sha256:$hex" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/m.json")" \
        '.manifests[0].digest = $d | .manifests[0].size = $s' "$img/index.json" >"$img/index.new"
    mv "$img/index.new" "$img/index.json"

    local b="$BATS_TEST_TMPDIR/b" pid status=0 i
    "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q "oci:$img:demo" "$b" &
    pid=$!
    for ((i = 0; i < 500; i++)); do [ -d "$b/rootfs/bin" ] && break; sleep 0.01; done
    kill -TERM "$pid"
    wait "$pid" || status=$?
    [ "$status" -eq 143 ] || fail "status $status (finished before the signal?)"
    [ ! -e "$b" ]
}
