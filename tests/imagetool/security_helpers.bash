# Helpers for imagetool's security suites. Load after ../lib/helpers and
# unpack_helpers.

# demo_plus_layer TAR [CONFIG-JQ-FILTER]: a derived demo image with the
# uncompressed layer TAR on top (and its config through the filter);
# prints its oci: reference.
demo_plus_layer() {
    layout_plus_layer "$(demo_image)" "$@"
}

# layout_plus_layer DIR TAR [CONFIG-JQ-FILTER]: the same on top of the OCI
# layout DIR (tagged demo).
layout_plus_layer() {
    local src=$1 tar=$2 filter=${3:-.}
    local base="$BATS_TEST_TMPDIR/base-$RANDOM$RANDOM" img="$BATS_TEST_TMPDIR/img-$RANDOM$RANDOM"
    derive_image "$src" "$base" "$filter"
    local lhex lsize
    lhex=$(sha256sum "$tar" | cut -d' ' -f1)
    lsize=$(stat -c %s "$tar")
    cp "$tar" "$base/blobs/sha256/$lhex"
    derive_image "$base" "$img" ".rootfs.diff_ids += [\"sha256:$lhex\"]"
    local m mhex mfile="$BATS_TEST_TMPDIR/m-$RANDOM.json"
    m=$(jq -r '.manifests[0].digest' "$img/index.json")
    jq -c --arg d "sha256:$lhex" --argjson s "$lsize" \
        '.layers += [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $d, size: $s}]' \
        "$img/blobs/sha256/${m#sha256:}" >"$mfile"
    mhex=$(sha256sum "$mfile" | cut -d' ' -f1)
    cp "$mfile" "$img/blobs/sha256/$mhex"
    jq -c --arg d "sha256:$mhex" --argjson s "$(stat -c %s "$mfile")" \
        '.manifests[0].digest = $d | .manifests[0].size = $s' "$img/index.json" >"$img/index.new"
    mv "$img/index.new" "$img/index.json"
    echo "oci:$img:demo"
}
