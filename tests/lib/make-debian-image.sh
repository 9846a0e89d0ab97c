#!/bin/bash
# make-debian-image.sh DIR [TAG]: build a Debian userland image as an OCI
# image layout in DIR (tagged TAG, default "debian") from the packages
# installed on this host, by hand: dpkg, tar, gzip, sha256sum and jq, no
# imagetool. The same host gives the same bytes: names sorted, mtimes fixed,
# gzip without a name. Owners and modes are the host's (numeric). Run as
# root: the host files some packages ship are not readable by everyone, and
# the image's /home/app belongs to 1000:1000.
#
# Three layers:
#   1. base-files, base-passwd and libc6 (with the dynamic loader), the
#      libraries they need, and the merged-/usr links (bin -> usr/bin...)
#      where the host has them;
#   2. dash, bash, coreutils, grep, sed, findutils, debianutils and the
#      libraries they need;
#   3. the image's own /etc/passwd and /etc/group (root, daemon, nobody and
#      app, uid 1000, home /home/app), /home/app, a whiteout of a file of
#      layer 2 (/usr/bin/rgrep) and an opaque /etc/skel holding only the
#      image's .profile.
# The libraries a package needs are the lib* packages of its Pre-Depends and
# Depends, followed recursively; a package that is not installed is skipped.
# Manual pages, info, translations and documentation (copyright files
# excepted) are left out, as Debian's slim images do.
set -euo pipefail
umask 022

out=${1:?usage: make-debian-image.sh DIR [TAG]}
tag=${2:-debian}
epoch=0
created=1970-01-01T00:00:00Z
base_pkgs=(base-files base-passwd libc6)
tool_pkgs=(dash bash coreutils grep sed findutils debianutils)
# the file of layer 2 that layer 3 deletes, the directory it makes opaque
whiteout=usr/bin/rgrep
opaque=etc/skel

for tool in dpkg dpkg-query jq tar gzip sha256sum realpath ldd paste; do
    command -v "$tool" >/dev/null || { echo "make-debian-image.sh: $tool is not installed" >&2; exit 1; }
done

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

. "$(dirname "$0")/oci-layout.bash"

# installed PKG: PKG is installed (dpkg's "ii")
installed() {
    [ "$(dpkg-query -W -f='${db:Status-Abbrev}' "$1" 2>/dev/null)" = "ii " ]
}

# lib_deps PKG: the lib* packages PKG pre-depends or depends on, one a line
# (every alternative of an "a | b", without versions or arch qualifiers)
lib_deps() {
    dpkg-query -W -f='${Pre-Depends},${Depends}' "$1" | sed 's/[|,]/\n/g' |
        sed 's/([^)]*)//; s/:any//; s/[[:space:]]//g' | grep '^lib' || true
}

# closure PKG...: the installed PKGs and, recursively, their libraries; sorted
closure() {
    local -A seen=()
    local queue=("$@") p d
    while [ ${#queue[@]} -gt 0 ]; do
        p=${queue[0]}
        queue=("${queue[@]:1}")
        [ -z "${seen[$p]:-}" ] || continue
        seen[$p]=1
        installed "$p" || { echo "make-debian-image.sh: $p is not installed: skipped" >&2; continue; }
        echo "$p"
        for d in $(lib_deps "$p"); do
            [ -n "${seen[$d]:-}" ] || queue+=("$d")
        done
    done | LC_ALL=C sort
}

# canonical FILE: the paths in FILE (absolute, as dpkg lists them) as the
# host really has them, relative to /: each path's directory resolved
# (merged /usr: /bin/bash is usr/bin/bash), and each directory above every
# path added so that the layer keeps the host's owner and mode for it too.
# Manual pages, info, translations and documentation but copyright files
# are left out; so are paths the host does not have (a removed conffile)
# and the top-level links of merged /usr (made apart).
canonical() {
    local path
    grep -v -x -e '/.' -e '/' "$1" |
        grep -Ev '^/usr/share/(man|info|locale|lintian)/|^/usr/share/doc/[^/]+/.*[^/]$' >"$work/keep" || true
    grep -E '^/usr/share/doc/[^/]+/copyright$' "$1" >>"$work/keep" || true
    paste -d/ <(sed 's|/[^/]*$||; s|^$|/|' "$work/keep" | xargs -r -d '\n' realpath -m --) \
        <(sed 's|.*/||' "$work/keep") | sed 's|^//|/|' |
        while IFS= read -r path; do
            [ -e "$path" ] || [ -L "$path" ] || continue
            [ "${path%/*}" = "" ] && [ -L "$path" ] && continue
            while [ -n "$path" ]; do
                echo "${path#/}"
                path=${path%/*}
            done
        done | LC_ALL=C sort -u
}

# package_paths PKG...: canonical paths of every file the packages ship
package_paths() {
    local p
    for p in "$@"; do dpkg -L "$p"; done >"$work/dpkg.list"
    canonical "$work/dpkg.list"
}

# tar_paths LIST TAR: a tar of the host's paths in LIST (relative to /, sorted)
tar_paths() {
    tar -C / --no-recursion --mtime="@$epoch" --numeric-owner --format=gnu \
        -cf "$2" -T "$1"
}

# tar_dir DIR TAR: a tar of DIR's entries
tar_dir() {
    (cd "$1" && find . -mindepth 1 -printf '%P\n' | LC_ALL=C sort |
        tar --no-recursion --mtime="@$epoch" --numeric-owner --format=gnu \
            -cf "$2" -T -)
}

# versions PKG...: "pkg=version ..." for the history
versions() {
    local p
    for p in "$@"; do printf '%s=%s ' "$p" "$(dpkg-query -W -f='${Version}' "$p")"; done | sed 's/ $//'
}

make_base_list() {
    local link loader
    package_paths "${base1[@]}" >"$work/l1.list"
    # merged /usr: the host's top-level links into usr/
    for link in bin sbin lib lib64; do
        [ -L "/$link" ] && echo "$link" >>"$work/l1.list"
    done
    # the dynamic loader bash asks for, and the file it resolves to
    loader=$(ldd /bin/bash | awk '$1 ~ /^\// {print $1; exit}')
    [ -n "$loader" ] || { echo "make-debian-image.sh: no dynamic loader for /bin/bash" >&2; exit 1; }
    printf '%s\n%s\n' "$loader" "$(realpath -e "$loader")" >"$work/loader.list"
    canonical "$work/loader.list" >>"$work/l1.list"
    LC_ALL=C sort -u -o "$work/l1.list" "$work/l1.list"
}

make_tools_list() {
    package_paths "${tools2[@]}" >"$work/l2.list"
    grep -qx "$whiteout" "$work/l2.list" ||
        { echo "make-debian-image.sh: /$whiteout is not in layer 2" >&2; exit 1; }
    grep -q "^$opaque/" "$work/l2.list" ||
        { echo "make-debian-image.sh: /$opaque has nothing in layer 2" >&2; exit 1; }
}

make_etc_layer() {
    local root=$work/l3 d
    # the directories above what this layer holds, as the host has them
    for d in etc home usr usr/bin "$opaque"; do
        mkdir -p "$root/$d"
        chmod --reference="/$d" "$root/$d"
        chown --reference="/$d" "$root/$d"
    done
    mkdir -p "$root/home/app"
    chown 1000:1000 "$root/home/app"
    chmod 0755 "$root/home/app"
    cat >"$root/etc/passwd" <<'PW'
root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
app:x:1000:1000:App User:/home/app:/bin/bash
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
PW
    cat >"$root/etc/group" <<'GR'
root:x:0:
daemon:x:1:
app:x:1000:
nogroup:x:65534:
GR
    chmod 0644 "$root/etc/passwd" "$root/etc/group"
    : >"$root/${whiteout%/*}/.wh.${whiteout##*/}"
    : >"$root/$opaque/.wh..wh..opq"
    echo '# the image'"'"'s own skeleton profile (the opaque /etc/skel holds only this)' \
        >"$root/$opaque/.profile"
}

main() {
    mapfile -t base1 < <(closure "${base_pkgs[@]}")
    mapfile -t tools2 < <(comm -23 <(closure "${tool_pkgs[@]}") <(printf '%s\n' "${base1[@]}"))
    mkdir -p "$out/blobs/sha256"

    make_base_list
    make_tools_list
    make_etc_layer

    tar_paths "$work/l1.list" "$work/l1.tar"
    tar_paths "$work/l2.list" "$work/l2.tar"
    tar_dir "$work/l3" "$work/l3.tar"
    read -r d1 g1 s1 < <(tar_layer_blob "$work/l1.tar")
    read -r d2 g2 s2 < <(tar_layer_blob "$work/l2.tar")
    read -r d3 g3 s3 < <(tar_layer_blob "$work/l3.tar")

    jq -n -c --arg arch "$(goarch)" --arg created "$created" \
        --arg d1 "$d1" --arg d2 "$d2" --arg d3 "$d3" \
        --arg h1 "$(versions "${base1[@]}")" --arg h2 "$(versions "${tools2[@]}")" \
        --arg debian "$(cat /etc/debian_version)" '{
        created: $created, architecture: $arch, os: "linux",
        config: {
            Env: ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],
            Cmd: ["/bin/bash"],
            WorkingDir: "/home/app",
            Labels: {"org.opencontainers.image.title": "imagetool debian test image",
                     "org.opencontainers.image.description": ("Debian " + $debian + " userland from the host'"'"'s packages")}
        },
        rootfs: {type: "layers", diff_ids: [$d1, $d2, $d3]},
        history: [{created: $created, created_by: ("dpkg -L " + $h1)},
                  {created: $created, created_by: ("dpkg -L " + $h2)},
                  {created: $created, created_by: "/etc/passwd, /etc/group, /home/app, a whiteout and an opaque /etc/skel"}]
    }' >"$work/config.json"
    layout_finish "$work/config.json" "$tag" "$g1" "$s1" "$g2" "$s2" "$g3" "$s3"
}

main
