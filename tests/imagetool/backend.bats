#!/usr/bin/env bats
# The copy and overlay backends, umount and rm-bundle.

load ../lib/helpers
load unpack_helpers

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

@test "backend: a second overlay bundle of an image in the store extracts nothing, whatever the image's size" {
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
    # speed lives in bench/unpack.sh; here: the second bundle costs a mount,
    # no layer is extracted again and nothing is copied into the bundle
    local before after
    S="$BATS_TEST_TMPDIR/store"
    before=$(find "$S/layers" -printf '%p %i %T@\n' | sort | sha256sum)
    it_unpack --backend overlay "$small_ref" "$BATS_TEST_TMPDIR/s2"
    it_unpack --backend overlay "$big_ref" "$BATS_TEST_TMPDIR/b2"
    after=$(find "$S/layers" -printf '%p %i %T@\n' | sort | sha256sum)
    [ "$before" = "$after" ]
    [ -f "$BATS_TEST_TMPDIR/b2/rootfs/data/file" ]
    [ -z "$(find "$BATS_TEST_TMPDIR/b2/.overlay/upper" "$BATS_TEST_TMPDIR/s2/.overlay/upper" -mindepth 1)" ]
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
    "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q --backend copy "oci:$img:demo" "$b" &
    pid=$!
    for ((i = 0; i < 500; i++)); do [ -d "$b/rootfs/bin" ] && break; sleep 0.01; done
    kill -TERM "$pid"
    wait "$pid" || status=$?
    [ "$status" -eq 143 ] || fail "status $status (finished before the signal?)"
    [ ! -e "$b" ]
}

@test "mount: an overlay bundle after umount mounts again with what the container wrote; twice is exit 7" {
    local b="$BATS_TEST_TMPDIR/ov"
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b"
    echo kept >"$b/rootfs/etc/written"
    "$IMAGETOOL" umount "$b"
    [ -z "$(ls -A "$b/rootfs")" ]
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" mount "$b"
    [ "$status" -eq 0 ]
    [ "$(cat "$b/rootfs/etc/written")" = kept ]
    [ -x "$b/rootfs/bin/busybox" ]
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" mount "$b"
    [ "$status" -eq 7 ]
    [ "$output" = "imagetool: $b/rootfs is mounted already" ]
    [ "$(grep -c " $b/rootfs " /proc/self/mountinfo)" = 1 ]
    "$IMAGETOOL" rm-bundle "$b"
}

@test "mount: a copy bundle has nothing to mount; a directory that is no bundle is exit 4" {
    it_unpack --backend copy "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/cp"
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" mount "$BATS_TEST_TMPDIR/cp"
    [ "$status" -eq 0 ]
    [[ "$output" == *"a copy bundle has nothing to mount"* ]]
    mkdir "$BATS_TEST_TMPDIR/plain"
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" mount "$BATS_TEST_TMPDIR/plain"
    [ "$status" -eq 4 ]
}

@test "runtime run of an unmounted overlay bundle names the empty rootfs as the cause" {
    local b="$BATS_TEST_TMPDIR/ov"
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b" true
    "$IMAGETOOL" umount "$b"
    run "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" run -b "$b" "um-$$"
    [ "$status" -eq 3 ]
    [ "$output" = "runtime: $b/config.json: root.path $b/rootfs: empty directory (an overlay bundle after imagetool umount? imagetool mount BUNDLE mounts it again)" ]
    [ -z "$(ls -A "$BATS_TEST_TMPDIR/state" 2>/dev/null)" ]
}

@test "rm-bundle refuses while a container or a chroot has its root in the bundle (exit 7), then removes it" {
    local b="$BATS_TEST_TMPDIR/ov" id="busy-$$"
    it_unpack --backend overlay "oci:$(demo_image):demo" "$b" sleep 100
    "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" run -d -b "$b" "$id" >/dev/null 2>&1
    run "$IMAGETOOL" rm-bundle "$b"
    "$RUNTIME" --root "$BATS_TEST_TMPDIR/state" delete --force "$id"
    [ "$status" -eq 7 ]
    [[ "$output" == "imagetool: rm-bundle: bundle $b is in use: process "*" has its root there" ]]
    [ -x "$b/rootfs/bin/busybox" ]
    # a neighbour: a plain chroot into the copy bundle's rootfs
    it_unpack --backend copy "oci:$(demo_image):demo" "$BATS_TEST_TMPDIR/cp"
    chroot "$BATS_TEST_TMPDIR/cp/rootfs" /bin/sleep 100 &
    local pid=$! i
    # the shell forked for & chroots a moment later
    for i in $(seq 50); do
        [ "$(readlink "/proc/$pid/root")" = "$BATS_TEST_TMPDIR/cp/rootfs" ] && break
        sleep 0.1
    done
    run "$IMAGETOOL" rm-bundle "$BATS_TEST_TMPDIR/cp"
    kill "$pid"; wait "$pid" || true
    [ "$status" -eq 7 ]
    [[ "$output" == *"process $pid has its root there"* ]]
    "$IMAGETOOL" rm-bundle "$b" "$BATS_TEST_TMPDIR/cp"
    [ ! -e "$b" ] && [ ! -e "$BATS_TEST_TMPDIR/cp" ]
}
