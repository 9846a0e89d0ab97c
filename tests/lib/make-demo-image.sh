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

. "$(dirname "$0")/oci-layout.bash"

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
    tar_layer_blob "$tar"
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
    layout_finish "$work/config.json" "$tag" "$g1" "$s1" "$g2" "$s2"
}

main
