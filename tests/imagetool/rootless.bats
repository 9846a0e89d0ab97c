#!/usr/bin/env bats
# imagetool as an ordinary user (specs/rootless.md): a test user made for the
# suite pulls into its own store and unpacks the umoci --rootless way; umoci
# run as the same user is the oracle for owners, modes and the
# user.rootlesscontainers xattr.

load ../lib/helpers
load ../lib/rootless
load unpack_helpers
load layer-helpers


# owners_image: the demo image plus a layer of owners, modes and specials
# the user cannot have for real; an OCI layout the user owns, tag "demo".
owners_image() {
    local dir
    dir=$(user_dir owners-image)
    make_tar "$BATS_TEST_TMPDIR/owners.tar" <<'EOF'
dir owners mode=755
file owners/root-50 mode=640 owner=0:50
file owners/u1000-0 mode=600 owner=1000:0
file owners/nobody mode=644 owner=65534:65534
file owners/suid mode=4755
file owners/suid1000 mode=6755 owner=1000:1000
file owners/readonly mode=444 owner=1000:1000
dir owners/locked mode=000 owner=1000:1000
file owners/locked/f mode=000 owner=1000:1000
symlink owners/link target=suid owner=1000:1000
fifo owners/fifo mode=600 owner=1000:50
chr owners/null dev=1,3 mode=666
dir proc2 mode=555
file proc2/inside mode=444
EOF
    rm -rf "$dir"
    append_layer "$(demo_image)" "$dir" "$BATS_TEST_TMPDIR/owners.tar"
    chown -R "$RL_UID:$RL_GID" "$dir"
    echo "$dir"
}

# listing ROOTFS: mode owner path, and the rootless xattr (hex) of files and dirs
listing() {
    (cd "$1" && find . -printf '%M %u:%g %p\n' | LC_ALL=C sort -k3)
    local f
    (cd "$1" && find . \( -type f -o -type d \) -print | LC_ALL=C sort | while read -r f; do
        printf '%s %s\n' "$f" "$(getfattr --absolute-names -n user.rootlesscontainers -e hex "$f" 2>/dev/null | sed -n 's/.*=//p')"
    done)
}

@test "rootless: the store defaults to \$XDG_DATA_HOME/imagetool, else ~/.local/share/imagetool" {
    # images never creates a store: its message names the default it looked at
    run as_user imagetool images
    [ "$status" -eq 4 ] || fail "$output"
    [ "$output" = "imagetool: store $RL_HOME/.local/share/imagetool does not exist" ] || fail "$output"
    local data
    data=$(user_dir data)
    run as_user env XDG_DATA_HOME="$data" imagetool images
    [ "$output" = "imagetool: store $data/imagetool does not exist" ] || fail "XDG_DATA_HOME not honoured: $output"
    # a relative XDG_DATA_HOME is not a base directory (XDG spec): ignored
    run as_user env XDG_DATA_HOME=rel imagetool images
    [ "$output" = "imagetool: store $RL_HOME/.local/share/imagetool does not exist" ] || fail "relative XDG_DATA_HOME used: $output"
    run as_user imagetool --help
    [[ "$output" == *"~/.local/share/imagetool"* ]] || fail "$output"
}

@test "rootless: unpack keeps owners and modes as umoci --rootless does; devices skipped with a warning" {
    command -v umoci >/dev/null || skip "umoci is not installed"
    command -v getfattr >/dev/null || skip "getfattr (attr) is not installed"
    local image out
    image=$(owners_image)
    out=$(user_dir out)
    run as_user umoci unpack --rootless --image "$image:demo" "$out/umoci"
    [ "$status" -eq 0 ] || fail "umoci: $output"
    run as_user imagetool unpack -q --backend copy "oci:$image:demo" "$out/ours"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"warning: device nodes skipped"* ]] || fail "no warning: $output"
    [ ! -e "$out/ours/rootfs/owners/null" ] || fail "a device node was made"
    # umoci leaves an empty file for a device and cannot set the xattr on a
    # file or dir its owner may not write (it skips it); compared apart below
    local skip='owners/null|owners/locked|owners/readonly'
    diff -u <(listing "$out/umoci/rootfs" | grep -Ev "$skip") <(listing "$out/ours/rootfs" | grep -Ev "$skip")
    # on disk: everything is the user's; modes are the image's
    [ -z "$(find "$out/ours/rootfs" ! -user "$RL_UID")" ] || fail "files not owned by the user"
    [ "$(stat -c %a "$out/ours/rootfs/owners/suid1000")" = 6755 ]
    [ "$(stat -c %a "$out/ours/rootfs/owners/locked")" = 0 ]
    [ "$(stat -c %a "$out/ours/rootfs/owners/locked/f")" = 0 ]
    [ "$(stat -c %a "$out/ours/rootfs/proc2")" = 555 ]
    [ "$(getfattr --absolute-names -n user.rootlesscontainers -e hex "$out/ours/rootfs/owners/locked" |
        sed -n 's/.*=//p')" = 0x08e80710e807 ]
    [ "$(getfattr --absolute-names -n user.rootlesscontainers -e hex "$out/ours/rootfs/owners/readonly" |
        sed -n 's/.*=//p')" = 0x08e80710e807 ]
    [ "$(stat -c %a "$out/ours/rootfs/owners/readonly")" = 444 ]
    [ "$(getfattr --absolute-names -n user.rootlesscontainers -e hex "$out/ours/rootfs/home/demo" |
        sed -n 's/.*=//p')" = 0x08e80710e807 ]
}

@test "rootless: rm-bundle removes a bundle whose dirs shut the user out" {
    local image out
    image=$(owners_image)
    out=$(user_dir rm)
    run as_user imagetool unpack -q --backend copy "oci:$image:demo" "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    run as_user imagetool rm-bundle "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$out/b" ] || fail "bundle left: $(find "$out/b" | head)"
}

@test "rootless: unpack writes a config the user can run: userns, subordinate range, no devices or limits" {
    local out
    out=$(user_dir cfg)
    run as_user imagetool unpack -q -m 100m --pids-limit 50 "oci:$(owners_image):demo" "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"warning: not root and no delegated cgroup v2 subtree: limits dropped from config.json: memory, pids"* ]] ||
        [ -n "$(jq -c '.linux.resources.memory // empty' "$out/b/config.json")" ] || fail "$output"
    [ "$(cfg "$out/b" '[.linux.namespaces[].type | select(. == "user" or . == "network")] | sort')" = '["network","user"]' ]
    [ "$(cfg "$out/b" '.linux.uidMappings')" = \
        "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1},{\"containerID\":1,\"hostID\":$RL_SUBID,\"size\":65536}]" ]
    [ "$(cfg "$out/b" '.linux.gidMappings[0]')" = "{\"containerID\":0,\"hostID\":$RL_GID,\"size\":1}" ]
    [ "$(cfg "$out/b" '.linux.devices // [] | length')" = 0 ]
    [ "$(cfg "$out/b" '.linux.resources.devices // [] | length')" = 0 ]
    [ "$(cfg "$out/b" '[.mounts[] | select(.type == "bind") | .destination] | sort')" = \
        '["/dev/full","/dev/null","/dev/random","/dev/tty","/dev/urandom","/dev/zero"]' ]
    [ "$(cfg "$out/b" '[.mounts[].options // [] | .[] | select(startswith("gid=") or startswith("uid="))] | length')" = 0 ]
    # a network namespace of its own: sysfs can be mounted
    [ "$(cfg "$out/b" '.mounts[] | select(.destination == "/sys") | .type')" = '"sysfs"' ]
}

@test "rootless: --net host binds /sys; no subordinate ids, only the user is mapped" {
    local out
    out=$(user_dir net)
    sed -i "/^$RL_USER:/d" /etc/subuid
    run as_user imagetool unpack -q --net host "oci:$(owners_image):demo" "$out/b"
    echo "$RL_USER:$RL_SUBID:$RL_SUBCOUNT" >>/etc/subuid
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(cfg "$out/b" '.mounts[] | select(.destination == "/sys") | [.type, .source, .options]')" = \
        '["none","/sys",["rbind","nosuid","noexec","nodev","ro"]]' ]
    [ "$(cfg "$out/b" '[.linux.namespaces[].type | select(. == "network")] | length')" = 0 ]
    [ "$(cfg "$out/b" '.linux.uidMappings')" = "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}]" ]
}

# overlay_lower BUNDLE: the lower dirs config.json's first mount names, top first
overlay_lower() {
    jq -r '.mounts[0].options[0] | split(",")[0] | ltrimstr("lowerdir=") | split(":")[]' "$1/config.json"
}

@test "rootless: the default backend is overlay, mounted by the runtime: nothing mounted here, config.json mounts it first" {
    local out
    out=$(user_dir overlay)
    run as_user imagetool unpack "oci:$(owners_image):demo" "$out/d"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"(overlay backend)"* ]] || fail "$output"
    ! grep -q 'backend: not root\|using copy' <<<"$output" || fail "$output"
    [ "$(jq -r .backend "$out/d/.imagetool.json")" = overlay ]
    # nothing mounted in the host's namespaces: the rootfs stays an empty dir
    run ! grep -q " $out/d/rootfs " /proc/self/mountinfo
    [ -z "$(ls -A "$out/d/rootfs")" ] || fail "rootfs not empty"
    [ "$(cfg "$out/d" '.mounts[0] | [.destination, .type, .source]')" = '["/","overlay","overlay"]' ]
    local opts
    opts=$(jq -r '.mounts[0].options | join(" ")' "$out/d/config.json")
    [[ "$opts" == *",upperdir=$out/d/.overlay/upper,workdir=$out/d/.overlay/work,userxattr" ]] || fail "$opts"
    # one cached layer dir per layer, in the user's store, top first
    local lower l
    mapfile -t lower < <(overlay_lower "$out/d")
    [ "${#lower[@]}" = 3 ] || fail "${lower[*]}"
    for l in "${lower[@]}"; do
        [[ "$l" == "$RL_HOME/.local/share/imagetool/layers/"* ]] && [ -d "$l" ] || fail "$l"
    done
    # the top layer's cache keeps owners the umoci --rootless way, devices skipped
    [ "$(stat -c '%u %a' "${lower[0]}/owners/suid1000")" = "$RL_UID 6755" ]
    [ ! -e "${lower[0]}/owners/null" ]
    [ -z "$(find "${lower[@]}" ! -user "$RL_UID")" ] || fail "cache files not the user's"
    # the image's user is resolved from the layers' /etc/passwd
    run as_user imagetool unpack -q -u demo "oci:$(owners_image):demo" "$out/u"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(cfg "$out/u" '.process.user.uid')" = 1000 ] || fail "$(cfg "$out/u" '.process.user')"
    # mount and umount have nothing to do; rm-bundle removes it
    run as_user imagetool mount "$out/d"
    [ "$status" -eq 0 ] && [[ "$output" == *"nothing to mount: the runtime mounts"* ]] || fail "$output"
    run as_user imagetool umount "$out/d"
    [ "$status" -eq 0 ] || fail "$output"
    run as_user imagetool rm-bundle "$out/d"
    [ "$status" -eq 0 ] && [ ! -e "$out/d" ] || fail "$output"
}

@test "rootless: --backend squashfs becomes overlay with one info line; --backend copy is copy" {
    local out
    out=$(user_dir sq)
    run as_user imagetool unpack --backend squashfs "oci:$(owners_image):demo" "$out/sq"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(grep -c 'info: squashfs backend: not root' <<<"$output")" = 1 ] || fail "$output"
    [ "$(jq -r .backend "$out/sq/.imagetool.json")" = overlay ]
    run as_user imagetool unpack --backend copy "oci:$(owners_image):demo" "$out/c"
    [ "$status" -eq 0 ] && [[ "$output" == *"(copy backend)"* ]] || fail "$output"
    [ -x "$out/c/rootfs/bin/busybox" ]
    [ "$(cfg "$out/c" '[.mounts[] | select(.destination == "/")] | length')" = 0 ]
}

@test "rootless: the user's layer cache: whiteouts are 0:0 devices, opaque dirs user.overlay.opaque, the image's overlay xattrs dropped" {
    command -v getfattr >/dev/null || skip "getfattr (attr) is not installed"
    local out top
    out=$(user_dir wh)
    run as_user imagetool unpack -q "oci:$(whiteout_image):demo" "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    top=$(overlay_lower "$out/b" | head -1)
    [ "$(stat -c '%F %t:%T' "$top/etc/issue")" = "character special file 0:0" ]
    [ "$(getfattr --absolute-names --only-values -n user.overlay.opaque "$top/var")" = y ]
    [ ! -e "$top/var/.wh..wh..opq" ] && [ -f "$top/var/new" ]
    run getfattr --absolute-names -n user.overlay.opaque "$top/bin"
    [ "$status" -ne 0 ] || fail "the image's user.overlay.opaque was kept: $output"
}

@test "rootless: gc keeps the cached layers an overlay bundle uses, and drops them once the bundle is gone" {
    local out lower l
    out=$(user_dir gc)
    run as_user imagetool unpack -q "oci:$(whiteout_image gc):demo" "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    mapfile -t lower < <(overlay_lower "$out/b")
    run as_user imagetool rm "$(jq -r .image "$out/b/.imagetool.json")"
    [ "$status" -eq 0 ] || fail "$output"
    run as_user imagetool gc
    [ "$status" -eq 0 ] || fail "$output"
    for l in "${lower[@]}"; do [ -d "$l" ] || fail "gc removed $l, which $out/b uses"; done
    run as_user imagetool rm-bundle "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    run as_user imagetool gc
    [ "$status" -eq 0 ] || fail "$output"
    # the top layer is this image's alone (the demo layers below are shared
    # with images other tests left tagged in the user's store)
    [ ! -e "${lower[0]}" ] || fail "gc kept ${lower[0]} after rm-bundle"
}

@test "rootless: the shared busybox image unpacks into the user's store" {
    require_shared_images
    local out layout
    out=$(user_dir busybox)
    layout="$out/layout"
    cp -rL "$SHARED_IMAGES/docker-library-busybox-1.38-glibc-amd64-oci/layout" "$layout"
    chown -R "$RL_UID:$RL_GID" "$layout"
    run as_user imagetool unpack -q --backend copy "oci:$layout" "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    [ -x "$out/b/rootfs/bin/busybox" ] && [ -z "$(find "$out/b/rootfs" ! -user "$RL_UID")" ]
    [ -n "$(ls "$RL_HOME/.local/share/imagetool/blobs/sha256")" ]
}

@test "rootless: a whiteout and a new file below a lower layer's symlink land where it leads, in the overlay the runtime mounts and in a copy (the user's view of the layers below)" {
    local out
    out=$(user_dir link-whiteout)
    cp -a "$(link_whiteout_image new)" "$out/image"
    chown -R "$RL_UID:$RL_GID" "$out/image"
    run as_user imagetool unpack -q --backend copy "oci:$out/image:demo" "$out/c"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(link_whiteout_tree "$out/c/rootfs")" = "lnk=symbolic link target=/data data=new y " ] ||
        fail "copy: $(link_whiteout_tree "$out/c/rootfs")"
    run as_user imagetool unpack -q "oci:$out/image:demo" "$out/o" \
        sh -c 'echo "lnk=$(stat -c %F /lnk) target=$(readlink /lnk) data=$(ls /data | tr "\n" " ")"'
    [ "$status" -eq 0 ] && [ "$(jq -r .backend "$out/o/.imagetool.json")" = overlay ] || fail "$output"
    run as_user runtime run -b "$out/o" "ctr-$$-$RANDOM"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(grep '^lnk=' <<<"$output")" = "lnk=symbolic link target=/data data=new y " ] || fail "overlay: $output"
    # the top layer's cache holds the entries where the link leads
    local top
    top=$(overlay_lower "$out/o" | head -1)
    [ "$(stat -c '%F %t:%T' "$top/data/x")" = "character special file 0:0" ] && [ -f "$top/data/new" ] &&
        [ ! -e "$top/lnk" ] || fail "$(cd "$top" && find .)"
}
