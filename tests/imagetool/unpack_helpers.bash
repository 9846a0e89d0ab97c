# Helpers for the unpack, config, user, backend and oracle suites.
# Load after ../lib/helpers.

MAKE_DEMO_IMAGE="$PROJECT_ROOT/tests/lib/make-demo-image.sh"
ROOTFS_MANIFEST="$PROJECT_ROOT/tests/lib/tree-listing.py"

# demo_image DIR: the demo image (tag "demo") built once per suite file.
demo_image() {
    local dir="$BATS_FILE_TMPDIR/demo-image"
    [ -f "$dir/index.json" ] || "$MAKE_DEMO_IMAGE" "$dir" demo >&2
    echo "$dir"
}

# it_unpack ARGS...: imagetool unpack with the test's own store.
it_unpack() {
    "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q "$@"
}

# derive_image SRC DST JQ-FILTER: a copy of the OCI layout SRC (single
# manifest) whose image config went through JQ-FILTER; tagged "demo".
derive_image() {
    local src=$1 dst=$2 filter=$3
    mkdir -p "$dst/blobs/sha256"
    cp "$src/oci-layout" "$dst/"
    cp "$src"/blobs/sha256/* "$dst/blobs/sha256/"
    local mdigest manifest cdigest config
    mdigest=$(jq -r '.manifests[0].digest' "$src/index.json")
    manifest="$src/blobs/sha256/${mdigest#sha256:}"
    cdigest=$(jq -r '.config.digest' "$manifest")
    config=$(jq -c "$filter" "$src/blobs/sha256/${cdigest#sha256:}")
    local chex csize
    chex=$(printf '%s' "$config" | sha256sum | cut -d' ' -f1)
    printf '%s' "$config" >"$dst/blobs/sha256/$chex"
    csize=$(stat -c %s "$dst/blobs/sha256/$chex")
    local m mhex msize
    m=$(jq -c --arg d "sha256:$chex" --argjson s "$csize" '.config.digest = $d | .config.size = $s' "$manifest")
    mhex=$(printf '%s' "$m" | sha256sum | cut -d' ' -f1)
    printf '%s' "$m" >"$dst/blobs/sha256/$mhex"
    msize=$(stat -c %s "$dst/blobs/sha256/$mhex")
    jq -c --arg d "sha256:$mhex" --argjson s "$msize" \
        '.manifests = [.manifests[0] | .digest = $d | .size = $s]' "$src/index.json" >"$dst/index.json"
}

# demo_with CONFIG-JQ-FILTER: a derived demo image; prints its oci: reference.
demo_with() {
    local dir="$BATS_TEST_TMPDIR/image-$RANDOM$RANDOM"
    derive_image "$(demo_image)" "$dir" "$1"
    echo "oci:$dir:demo"
}

# cfg BUNDLE JQ-FILTER: query the bundle's config.json.
cfg() {
    jq -c "$2" "$1/config.json"
}

# image_process BUNDLE: the image-derived part of process (no HOME/TERM),
# in the shape of EXPECTED/*.process.json after the same filter.
image_process() {
    jq -S -c '{args, cwd, env: [.env[] | select(test("^(HOME|TERM)=") | not)], user: {uid: .user.uid, gid: .user.gid, additionalGids: (.user.additionalGids // [])}}' "$@"
}

# rootfs_listing DIR: the canonical listing of a tree.
rootfs_listing() {
    python3 "$ROOTFS_MANIFEST" "$1"
}

# no_mounts_under DIR: nothing in our mount table lives under DIR.
no_mounts_under() {
    ! awk '{print $5}' /proc/self/mountinfo | grep -q "^$1"
}

# runc_run BUNDLE: run the bundle with runc, state under the test's tmpdir.
runc_run() {
    runc --root "$BATS_TEST_TMPDIR/runc" run -b "$1" "$(unique_id)"
}

# remove_bundle DIR: rm-bundle (unmounts) when DIR is there.
remove_bundle() {
    [ ! -e "$1" ] || "$IMAGETOOL" rm-bundle "$1"
}

# The teardown of every suite that loads this file; a suite that defines
# its own calls unmount_test_bundles from it.
teardown() {
    unmount_test_bundles
}

# append_layer SRC DST TAR: the OCI layout SRC (one manifest) copied to DST
# with the uncompressed layer TAR on top; tagged as SRC was.
append_layer() {
    local src=$1 dst=$2 tar=$3
    mkdir -p "$dst/blobs/sha256"
    cp "$src/oci-layout" "$dst/"
    cp "$src"/blobs/sha256/* "$dst/blobs/sha256/"
    put() {
        local h
        h=$(sha256sum "$1" | cut -d' ' -f1)
        cp "$1" "$dst/blobs/sha256/$h"
        echo "sha256:$h $(stat -c %s "$1")"
    }
    local ld ls md man cd0 cd cs nd ns
    read -r ld ls < <(put "$tar")
    md=$(jq -r '.manifests[0].digest' "$src/index.json")
    man="$src/blobs/sha256/${md#sha256:}"
    cd0=$(jq -r .config.digest "$man")
    jq -c --arg d "$ld" '.rootfs.diff_ids += [$d] | .history += [{created_by: "owners"}]' \
        "$src/blobs/sha256/${cd0#sha256:}" >"$BATS_TEST_TMPDIR/config.json"
    read -r cd cs < <(put "$BATS_TEST_TMPDIR/config.json")
    jq -c --arg cd "$cd" --argjson cs "$cs" --arg ld "$ld" --argjson ls "$ls" \
        '.config.digest = $cd | .config.size = $cs |
         .layers += [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $ld, size: $ls}]' \
        "$man" >"$BATS_TEST_TMPDIR/manifest.json"
    read -r nd ns < <(put "$BATS_TEST_TMPDIR/manifest.json")
    jq -c --arg d "$nd" --argjson s "$ns" '.manifests = [.manifests[0] | .digest = $d | .size = $s]' \
        "$src/index.json" >"$dst/index.json"
}

# link_whiteout_image [new]: a whiteout below a lower layer's symlink
# (specs/layers.md, "Whiteouts"): the demo image, a layer with data/x,
# data/y and lnk -> /data, then one with lnk/.wh.x; with "new" that layer
# also adds lnk/new (the whiteout's neighbour: a file below the link).
# Prints its OCI layout dir, tag "demo".
link_whiteout_image() {
    local l1="$BATS_TEST_TMPDIR/lw1" l2="$BATS_TEST_TMPDIR/lw2" top=(lnk/.wh.x)
    local dir="$BATS_TEST_TMPDIR/link-whiteout${1:+-$1}"
    rm -rf "$l1" "$l2" "$dir" "$dir-below"
    mkdir -p "$l1/data" "$l2/lnk"
    echo x >"$l1/data/x"
    echo y >"$l1/data/y"
    ln -s /data "$l1/lnk"
    : >"$l2/lnk/.wh.x"
    if [ "${1:-}" = new ]; then
        echo new >"$l2/lnk/new"
        top+=(lnk/new)
    fi
    tar -C "$l1" -cf "$BATS_TEST_TMPDIR/lw1.tar" data lnk
    tar -C "$l2" -cf "$BATS_TEST_TMPDIR/lw2.tar" "${top[@]}"
    append_layer "$(demo_image)" "$dir-below" "$BATS_TEST_TMPDIR/lw1.tar"
    append_layer "$dir-below" "$dir" "$BATS_TEST_TMPDIR/lw2.tar"
    echo "$dir"
}

# link_whiteout_tree ROOTFS: what the rule of link_whiteout_image decides, in one line.
link_whiteout_tree() {
    local root=$1
    echo "lnk=$(stat -c %F "$root/lnk" 2>/dev/null) target=$(readlink "$root/lnk") data=$(ls "$root/data" | tr '\n' ' ')"
}

# whiteout_image [NAME]: the demo image plus a layer that deletes
# /etc/issue, makes /var opaque, and carries an overlay marker an image must
# not set (on /bin: kept, it would hide busybox); an OCI layout the test user
# owns, tag "demo". NAME (a file in /var) makes the layer one of its own.
whiteout_image() {
    local dir
    dir=$(user_dir "whiteout-image${1:+-$1}")
    { [ -z "${1:-}" ] || echo "file var/$1"; cat; } >"$BATS_TEST_TMPDIR/wh.spec" <<'EOF'
dir etc mode=755
file etc/.wh.issue
dir var mode=755
file var/.wh..wh..opq
file var/new data=new
dir bin mode=755 xattr.user.overlay.opaque=y
file bin/extra data=extra
EOF
    make_tar "$BATS_TEST_TMPDIR/wh.tar" <"$BATS_TEST_TMPDIR/wh.spec"
    rm -rf "$dir"
    append_layer "$(demo_image)" "$dir" "$BATS_TEST_TMPDIR/wh.tar"
    chown -R "$RL_UID:$RL_GID" "$dir"
    echo "$dir"
}
