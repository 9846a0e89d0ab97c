# Helpers for the layer suites: build a one-image OCI layout from layer
# files (the umoci oracle reads it) and compare trees.

MANIFEST_PY="${SHARED_IMAGES}/rootfs-manifest.py"

# sha256 of a file, as "sha256:<hex>"
file_digest() {
    echo "sha256:$(sha256sum "$1" | cut -d' ' -f1)"
}

# diff_id of a layer file (its uncompressed bytes), any compression
layer_diff_id() {
    local cat=cat
    case "$(head -c4 "$1" | od -An -tx1 | tr -d ' ')" in
        1f8b*) cat=zcat ;;
        28b52ffd) cat="zstd -dc" ;;
        fd377a58) cat=xzcat ;;
        425a68*) cat=bzcat ;;
    esac
    echo "sha256:$($cat "$1" | sha256sum | cut -d' ' -f1)"
}

# make_oci_image DIR TAG LAYER...: an OCI layout at DIR holding one image
# (linux/amd64) whose layers are the given files, in order.
make_oci_image() {
    local dir=$1 tag=$2
    shift 2
    mkdir -p "$dir/blobs/sha256"
    echo '{"imageLayoutVersion":"1.0.0"}' >"$dir/oci-layout"
    local layers="[]" diffs="[]" l d size mt
    for l in "$@"; do
        d=$(file_digest "$l")
        cp "$l" "$dir/blobs/sha256/${d#sha256:}"
        size=$(stat -c %s "$l")
        mt=application/vnd.oci.image.layer.v1.tar
        [ "$(head -c2 "$l" | od -An -tx1 | tr -d ' ')" = 1f8b ] && mt=$mt+gzip
        layers=$(jq -c --arg d "$d" --argjson s "$size" --arg mt "$mt" '. + [{mediaType:$mt,digest:$d,size:$s}]' <<<"$layers")
        diffs=$(jq -c --arg d "$(layer_diff_id "$l")" '. + [$d]' <<<"$diffs")
    done
    local cfg="$dir/config.tmp" man="$dir/manifest.tmp"
    jq -n --argjson diffs "$diffs" \
        '{architecture:"amd64",os:"linux",config:{Cmd:["/bin/sh"]},rootfs:{type:"layers",diff_ids:$diffs}}' >"$cfg"
    local cd cs
    cd=$(file_digest "$cfg")
    cs=$(stat -c %s "$cfg")
    mv "$cfg" "$dir/blobs/sha256/${cd#sha256:}"
    jq -n --arg cd "$cd" --argjson cs "$cs" --argjson layers "$layers" \
        '{schemaVersion:2,mediaType:"application/vnd.oci.image.manifest.v1+json",
          config:{mediaType:"application/vnd.oci.image.config.v1+json",digest:$cd,size:$cs},layers:$layers}' >"$man"
    local md ms
    md=$(file_digest "$man")
    ms=$(stat -c %s "$man")
    mv "$man" "$dir/blobs/sha256/${md#sha256:}"
    jq -n --arg md "$md" --argjson ms "$ms" --arg tag "$tag" \
        '{schemaVersion:2,manifests:[{mediaType:"application/vnd.oci.image.manifest.v1+json",digest:$md,size:$ms,
          annotations:{"org.opencontainers.image.ref.name":$tag}}]}' >"$dir/index.json"
}

# umoci_rootfs DIR TAG OUT: umoci's rootfs of the image (the oracle)
umoci_rootfs() {
    umoci raw unpack --image "$1:$2" "$3" >/dev/null 2>&1
}

# apply_layers OUT [--whiteouts M] LAYER...: imagetool apply-layer, each in order
apply_layers() {
    local out=$1
    shift
    local opts=()
    if [ "$1" = --whiteouts ]; then
        opts=(--whiteouts "$2")
        shift 2
    fi
    local l
    for l in "$@"; do
        "$IMAGETOOL" apply-layer "${opts[@]}" --diff-id "$(layer_diff_id "$l")" "$l" "$out" || return 1
    done
}

# tree_listing DIR: the canonical listing (names, types, modes, owners,
# link targets, content hashes)
tree_listing() {
    python3 "$MANIFEST_PY" "$1"
}

# same_tree A B: fail with the diff when the listings differ
same_tree() {
    diff <(tree_listing "$1") <(tree_listing "$2") >&2
}
