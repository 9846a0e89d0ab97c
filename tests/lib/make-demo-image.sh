#!/bin/bash
# make-demo-image.sh DIR [TAG]: build the demo image as an OCI image layout in
# DIR (tagged TAG, default "demo") from Debian's busybox-static, by hand:
# tar, gzip, sha256sum and jq, no imagetool. The same busybox gives the
# same bytes: names sorted, mtimes and owners fixed, gzip without a name.
#
# Two layers: busybox with its applets, then the image's own /etc (issue,
# os-release, passwd, group), a user "demo" and the /bin/demo report.
set -euo pipefail

out=${1:?usage: make-demo-image.sh DIR [TAG]}
tag=${2:-demo}
busybox=${BUSYBOX:-/bin/busybox}
epoch=0
created=1970-01-01T00:00:00Z

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# DEMO_ARCH overrides the architecture the config names (tests of the
# platform checks); the busybox inside stays the host's.
goarch() {
    [ -n "${DEMO_ARCH:-}" ] && { echo "$DEMO_ARCH"; return; }
    case $(uname -m) in
    x86_64) echo amd64 ;; aarch64) echo arm64 ;; armv7l) echo arm ;; i?86) echo 386 ;;
    *) uname -m ;;
    esac
}

make_busybox_layer() {
    local root=$work/l1
    mkdir -p "$root/bin"
    cp "$busybox" "$root/bin/busybox"
    chmod 0755 "$root/bin/busybox"
    local applet
    for applet in $("$busybox" --list); do
        [ "$applet" = busybox ] || ln -s busybox "$root/bin/$applet"
    done
}

make_etc_layer() {
    local root=$work/l2
    mkdir -p "$root"/{bin,etc,dev,proc,sys,tmp,root,run,var/tmp,home/demo}
    chmod 1777 "$root/tmp" "$root/var/tmp"
    chmod 0700 "$root/root"
    chown 1000:1000 "$root/home/demo"
    printf 'Welcome to the imagetool demo image (busybox %s)\n\n' \
        "$("$busybox" | head -1 | cut -d' ' -f2)" >"$root/etc/issue"
    cat >"$root/etc/os-release" <<'OS'
NAME="Imagetool Demo"
ID=imagetool-demo
VERSION_ID=1
PRETTY_NAME="Imagetool Demo 1 (busybox)"
HOME_URL="https://example.invalid/imagetool-demo"
OS
    cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/sh
demo:x:1000:1000:Demo User:/home/demo:/bin/sh
nobody:x:65534:65534:nobody:/nonexistent:/bin/false
PW
    cat >"$root/etc/group" <<'GR'
root:x:0:
wheel:x:10:root,demo
staff:x:50:demo
demo:x:1000:
nogroup:x:65534:
GR
    cat >"$root/bin/demo" <<'SH'
#!/bin/sh
# The demo's report: the image's /etc/issue, the processes (we are PID 1),
# the environment and this container's memory limit.
echo "--- /etc/issue"
cat /etc/issue
echo "--- ps"
ps
echo "--- env"
env | sort
echo "--- memory limit"
cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null ||
    cat /sys/fs/cgroup/memory.max 2>/dev/null ||
    echo "(no memory cgroup visible)"
SH
    chmod 0755 "$root/bin/demo"
}

# layer_blob DIR: a gzip'd tar of DIR's entries as a blob; prints "diff_id digest size".
layer_blob() {
    local dir=$1 tar=$work/layer.tar
    (cd "$dir" && find . -mindepth 1 -maxdepth 1 -printf '%P\n' | LC_ALL=C sort |
        tar --sort=name --mtime="@$epoch" --numeric-owner --format=gnu \
            -cf "$tar" -T -)
    local diff_id
    diff_id=$(sha256sum "$tar" | cut -d' ' -f1)
    gzip -n -9 -c "$tar" >"$work/layer.tar.gz"
    put_blob "$work/layer.tar.gz" >/dev/null
    echo "sha256:$diff_id $(blob_ref "$work/layer.tar.gz")"
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

main() {
    mkdir -p "$out/blobs/sha256"
    make_busybox_layer
    make_etc_layer
    read -r d1 g1 s1 < <(layer_blob "$work/l1")
    read -r d2 g2 s2 < <(layer_blob "$work/l2")

    jq -n -c --arg arch "$(goarch)" --arg created "$created" --arg d1 "$d1" --arg d2 "$d2" '{
        created: $created, architecture: $arch, os: "linux",
        config: {
            Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
                  "DEMO_IMAGE=imagetool-demo"],
            Cmd: ["/bin/demo"],
            WorkingDir: "/",
            StopSignal: "SIGTERM",
            Labels: {"org.opencontainers.image.title": "imagetool demo",
                     "org.opencontainers.image.description": "busybox-static with its own /etc"}
        },
        rootfs: {type: "layers", diff_ids: [$d1, $d2]},
        history: [{created: $created, created_by: "busybox-static and its applets"},
                  {created: $created, created_by: "/etc, the demo user and /bin/demo"}]
    }' >"$work/config.json"
    read -r cd cs < <(put_blob "$work/config.json")

    jq -n -c --arg cd "$cd" --argjson cs "$cs" --arg g1 "$g1" --argjson s1 "$s1" \
        --arg g2 "$g2" --argjson s2 "$s2" '{
        schemaVersion: 2,
        mediaType: "application/vnd.oci.image.manifest.v1+json",
        config: {mediaType: "application/vnd.oci.image.config.v1+json", digest: $cd, size: $cs},
        layers: [
            {mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $g1, size: $s1},
            {mediaType: "application/vnd.oci.image.layer.v1.tar+gzip", digest: $g2, size: $s2}
        ]
    }' >"$work/manifest.json"
    read -r md ms < <(put_blob "$work/manifest.json")

    printf '{"imageLayoutVersion":"1.0.0"}' >"$out/oci-layout"
    jq -n -c --arg md "$md" --argjson ms "$ms" --arg tag "$tag" '{
        schemaVersion: 2,
        manifests: [{mediaType: "application/vnd.oci.image.manifest.v1+json", digest: $md, size: $ms,
                     annotations: {"org.opencontainers.image.ref.name": $tag}}]
    }' >"$out/index.json"
}

main
