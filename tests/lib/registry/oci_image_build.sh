#!/bin/bash
# oci_image_build.sh LAYOUT TAG SRC_DIR...: write an OCI image layout with
# one image (ref name TAG): one gzip'd tar layer per SRC_DIR (in order), a
# config for this host's platform with Cmd ["sh"], and index.json.
# GZIP_LEVEL (default 6) sets the compression level.
set -euo pipefail
layout=$1 tag=$2
shift 2
mkdir -p "$layout/blobs/sha256"
printf '{"imageLayoutVersion":"1.0.0"}' >"$layout/oci-layout"
blob_put() { # FILE -> prints digest hex, moves FILE into blobs
    local hex
    hex=$(sha256sum "$1" | cut -d' ' -f1)
    mv "$1" "$layout/blobs/sha256/$hex"
    echo "$hex"
}
case $(uname -m) in
    x86_64) arch=amd64 ;;
    aarch64) arch=arm64 ;;
    *) arch=$(uname -m) ;;
esac
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
diff_ids=() layers=()
for src in "$@"; do
    tar -C "$src" --numeric-owner --sort=name -cf "$tmp/layer.tar" .
    diff_ids+=("sha256:$(sha256sum "$tmp/layer.tar" | cut -d' ' -f1)")
    gzip -n "-${GZIP_LEVEL:-6}" -c "$tmp/layer.tar" >"$tmp/layer.tgz"
    rm "$tmp/layer.tar"
    size=$(stat -c %s "$tmp/layer.tgz")
    hex=$(blob_put "$tmp/layer.tgz")
    layers+=("{\"mediaType\":\"application/vnd.oci.image.layer.v1.tar+gzip\",\"digest\":\"sha256:$hex\",\"size\":$size}")
done
ids=$(printf '%s\n' "${diff_ids[@]}" | jq -R . | jq -s -c .)
jq -n -c --arg arch "$arch" --argjson ids "$ids" \
    '{architecture: $arch, os: "linux", config: {Cmd: ["sh"], Env: ["PATH=/usr/sbin:/usr/bin:/sbin:/bin"]},
      rootfs: {type: "layers", diff_ids: $ids}}' >"$tmp/config.json"
csize=$(stat -c %s "$tmp/config.json")
chex=$(blob_put "$tmp/config.json")
layer_json=$(printf '%s\n' "${layers[@]}" | jq -s -c .)
jq -n -c --arg c "sha256:$chex" --argjson cs "$csize" --argjson layers "$layer_json" \
    '{schemaVersion: 2, mediaType: "application/vnd.oci.image.manifest.v1+json",
      config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $c, size: $cs}, layers: $layers}' \
    >"$tmp/manifest.json"
msize=$(stat -c %s "$tmp/manifest.json")
mhex=$(blob_put "$tmp/manifest.json")
jq -n -c --arg d "sha256:$mhex" --argjson s "$msize" --arg tag "$tag" \
    '{schemaVersion: 2, manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $d, size: $s,
      annotations: {"org.opencontainers.image.ref.name": $tag}}]}' >"$layout/index.json"
echo "sha256:$mhex"
