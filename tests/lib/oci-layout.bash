# What the scripts that build test images by hand share (make-demo-image.sh,
# make-debian-image.sh): blobs, gzip'd layers, and the layout's manifest and
# index. The caller sets $out (the layout dir, with blobs/sha256 made) and
# $work (a scratch dir).

# goarch: the host's architecture as OCI names it (DEMO_ARCH overrides it,
# for tests of the platform checks).
goarch() {
    [ -n "${DEMO_ARCH:-}" ] && { echo "$DEMO_ARCH"; return; }
    case $(uname -m) in
    x86_64) echo amd64 ;; aarch64) echo arm64 ;; armv7l) echo arm ;; i?86) echo 386 ;;
    *) uname -m ;;
    esac
}

# blob_ref FILE: "sha256:HEX SIZE"
blob_ref() {
    echo "sha256:$(sha256sum "$1" | cut -d' ' -f1) $(stat -c %s "$1")"
}

# put_blob FILE: copy into blobs/sha256/, print "sha256:HEX SIZE".
put_blob() {
    local hex
    hex=$(sha256sum "$1" | cut -d' ' -f1)
    cp "$1" "$out/blobs/sha256/$hex"
    blob_ref "$1"
}

# tar_layer_blob TAR: TAR gzip'd (no name, -9) as a blob; prints
# "diff_id digest size".
tar_layer_blob() {
    local diff_id
    diff_id=$(sha256sum "$1" | cut -d' ' -f1)
    gzip -n -9 -c "$1" >"$work/layer.tar.gz"
    echo "sha256:$diff_id $(put_blob "$work/layer.tar.gz")"
}

# layout_finish CONFIG TAG DIGEST SIZE [DIGEST SIZE...]: the image config
# file CONFIG as a blob, a manifest of the gzip'd layers given (bottom
# first), oci-layout, and index.json naming the manifest TAG.
layout_finish() {
    local config=$1 tag=$2 cd cs md ms layers='[]'
    shift 2
    while [ $# -ge 2 ]; do
        layers=$(jq -c --arg d "$1" --argjson s "$2" \
            '. + [{mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $d, size: $s}]' <<<"$layers")
        shift 2
    done
    read -r cd cs < <(put_blob "$config")
    jq -n -c --arg cd "$cd" --argjson cs "$cs" --argjson layers "$layers" '{
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
        layers: $layers
    }' >"$work/manifest.json"
    read -r md ms < <(put_blob "$work/manifest.json")
    printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
    jq -n -c --arg md "$md" --argjson ms "$ms" --arg tag "$tag" '{
        schemaVersion: 2,
        manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
                     annotations: {"org.opencontainers.image.ref.name": $tag}}]
    }' >"$out/index.json"
}
