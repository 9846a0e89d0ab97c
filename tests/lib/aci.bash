# Helpers for the Appc suites: ACIs built by hand (GNU tar and jq, no
# imagetool), so the tests do not trust the code they test.
# Load after ../lib/helpers.

# The host's arch in Appc's words (the os/arch labels).
aci_arch() {
    case $(uname -m) in
    x86_64) echo amd64 ;; aarch64) echo aarch64 ;; i?86) echo i386 ;; *) uname -m ;;
    esac
}

# aci_manifest NAME [JQ-FILTER]: an image manifest (version 1.0, this host's os/arch).
aci_manifest() {
    jq -n -c --arg n "$1" --arg arch "$(aci_arch)" '{acKind: "ImageManifest", acVersion: "0.8.11", name: $n,
        labels: [{name: "version", value: "1.0"}, {name: "os", value: "linux"}, {name: "arch", value: $arch}]}' |
        jq -c "${2:-.}"
}

# aci_app_manifest NAME [JQ-FILTER]: the same with an app running "cat /etc/issue".
aci_app_manifest() {
    aci_manifest "$1" '.app = {exec: ["/bin/sh", "-c", "cat /etc/issue"], user: "0", group: "0"}' | jq -c "${2:-.}"
}

# make_aci OUT MANIFEST-JSON ROOTFS-DIR [gzip|xz|bzip2|zstd|plain]: manifest first,
# then rootfs/, names sorted, owners 0:0, mtimes 0: the same input gives the same bytes.
make_aci() {
    local out=$1 manifest=$2 rootfs=$3 comp=${4:-gzip} w
    w=$(mktemp -d)
    printf '%s' "$manifest" >"$w/manifest"
    cp -a "$rootfs" "$w/rootfs"
    tar -C "$w" --owner=0 --group=0 --numeric-owner --sort=name --mtime=@0 -cf "$w/aci.tar" manifest rootfs
    case $comp in
    gzip) gzip -n -c "$w/aci.tar" >"$out" ;;
    xz) xz -c "$w/aci.tar" >"$out" ;;
    bzip2) bzip2 -c "$w/aci.tar" >"$out" ;;
    zstd) zstd -q -c "$w/aci.tar" >"$out" ;;
    plain) cp "$w/aci.tar" "$out" ;;
    esac
    rm -rf "$w"
}

# aci_id FILE: the image ID as the spec defines it (sha512 of the uncompressed tar).
aci_id() {
    local d
    for d in "gzip -dc" "xz -dc" "bzip2 -dc" "zstd -qdc" "cat"; do
        if $d <"$1" >/dev/null 2>&1; then
            echo "sha512-$($d <"$1" | sha512sum | cut -d' ' -f1)"
            return
        fi
    done
}

# busybox_aci OUT NAME [JQ-FILTER] [COMPRESSION]: a busybox ACI with its own /etc/issue.
busybox_aci() {
    local root="$BATS_TEST_TMPDIR/rootfs-$RANDOM$RANDOM"
    make_busybox_rootfs "$root"
    echo "Welcome to $2" >"$root/etc/issue"
    make_aci "$1" "$(aci_app_manifest "$2" "${3:-.}")" "$root" "${4:-gzip}"
    rm -rf "$root"
}

# files_aci OUT MANIFEST-JSON PATH=CONTENT...: an ACI of a few small files.
files_aci() {
    local out=$1 manifest=$2 root="$BATS_TEST_TMPDIR/files-$RANDOM$RANDOM"
    shift 2
    mkdir -p "$root"
    local kv
    for kv in "$@"; do
        mkdir -p "$(dirname "$root/${kv%%=*}")"
        printf '%s\n' "${kv#*=}" >"$root/${kv%%=*}"
    done
    make_aci "$out" "$manifest" "$root"
    rm -rf "$root"
}
