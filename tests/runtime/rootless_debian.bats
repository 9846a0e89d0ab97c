#!/usr/bin/env bats
# A Debian userland and the busybox demo image, as an ordinary user
# (specs/rootless.md): the suite's test user unpacks both into its own
# default store (~/.local/share/imagetool, no --store) and runs them with
# `runtime run` under its own state root ($XDG_RUNTIME_DIR/runtime). The
# Debian image is tests/lib/make-debian-image.sh's, from this host's
# packages: real bash, coreutils and glibc, three layers with a whiteout and
# an opaque directory. A user's default backend is overlay (mounted by the
# runtime in the container's namespaces; copy where the kernel does not let
# a user mount overlay): what is on disk is looked for where the bundle's
# tree lives (bundle_dirs). umoci --rootless, run as the same user, is the
# oracle for the copy backend's tree, and that tree, seen from inside, for
# the default backend's.

load ../lib/helpers
load ../lib/rootless
load ../imagetool/unpack_helpers

MAKE_DEBIAN_IMAGE="$PROJECT_ROOT/tests/lib/make-debian-image.sh"

setup_file() {
    rootless_user_create
    # both layouts built by root once, copied where the user can read them
    local images
    images=$(user_dir images)
    "$MAKE_DEBIAN_IMAGE" "$images/debian" debian >&2
    cp -r "$(demo_image)" "$images/demo"
    chown -R "$RL_UID:$RL_GID" "$images"
}

teardown_file() {
    rootless_user_remove
}

setup() {
    rootless_user_load
    ID=$(unique_id)
    DEBIAN="$RL_HOME/t/images/debian"
    DEMO="$RL_HOME/t/images/demo"
    STORE="$RL_HOME/.local/share/imagetool"
}

teardown() {
    local id
    for id in $(as_user runtime list -q 2>/dev/null); do
        as_user runtime delete --force "$id" >/dev/null 2>&1 || true
    done
    # root's run of the first test, and its bundle (a mount by default)
    "$RUNTIME" delete --force "$ID" >/dev/null 2>&1 || true
    unmount_test_bundles
}

# blob LAYOUT DIGEST: the path of a blob
blob() {
    echo "$1/blobs/sha256/${2#sha256:}"
}

@test "rootless debian: the image is a valid, reproducible OCI layout: skopeo, umoci and root's unpack take it" {
    command -v skopeo >/dev/null || skip "skopeo is not installed"
    command -v umoci >/dev/null || skip "umoci is not installed"
    run skopeo inspect "oci:$DEBIAN:debian"
    [ "$status" -eq 0 ] || fail "skopeo: $output"
    local arch
    arch=$(jq -r .architecture "$(blob "$DEBIAN" "$(jq -r .config.digest "$(blob "$DEBIAN" "$(jq -r '.manifests[0].digest' "$DEBIAN/index.json")")")")")
    [ "$arch" = "$(uname -m | sed 's/x86_64/amd64/; s/aarch64/arm64/')" ] || fail "architecture $arch"
    [ "$(jq -c '[.Os, .Architecture, (.Layers | length)]' <<<"$output")" = "[\"linux\",\"$arch\",3]" ] || fail "$output"
    run umoci unpack --image "$DEBIAN:debian" "$BATS_TEST_TMPDIR/umoci"
    [ "$status" -eq 0 ] || fail "umoci: $output"
    [ "$(stat -c %u:%g "$BATS_TEST_TMPDIR/umoci/rootfs/home/app")" = 1000:1000 ]
    # root's unpack (its default backend) runs the image's bash
    run "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" unpack -q "oci:$DEBIAN:debian" "$BATS_TEST_TMPDIR/b" \
        /bin/bash -c 'echo "$BASH_VERSION"; id -u'
    [ "$status" -eq 0 ] || fail "$output"
    run "$RUNTIME" run -b "$BATS_TEST_TMPDIR/b" "$ID"
    "$IMAGETOOL" --store "$BATS_TEST_TMPDIR/store" rm-bundle "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$(line 1)" == 5.* ]] && [ "$(line 2)" = 0 ] || fail "$output"
    # the same host makes the same bytes
    "$MAKE_DEBIAN_IMAGE" "$BATS_TEST_TMPDIR/again" debian
    diff -r "$DEBIAN" "$BATS_TEST_TMPDIR/again" || fail "a second build differs"
}

# user_unpack SOURCE BUNDLE [ARGS...]: imagetool unpack as the user, with
# its default store; fails the test with imagetool's output.
user_unpack() {
    run as_user imagetool unpack -q "$@"
    [ "$status" -eq 0 ] || fail "unpack $1: $output"
}

# user_run BUNDLE: runtime run as the user; $output without the runtime's
# own notes (this host delegates no cgroup: "runtime: ... cgroup: not root")
user_run() {
    run as_user runtime run -b "$1" "$ID"
    [ "$status" -eq 0 ] || fail "run $1: $status $output"
    output=$(grep -v '^runtime: ' <<<"$output" || true)
}

# bundle_dirs BUNDLE: the host directories the container's / is made of, top
# first: the upper dir and the store's layer dirs of an overlay bundle, or
# the rootfs of a copy one
bundle_dirs() {
    if [ "$(jq -r .backend "$1/.imagetool.json")" = overlay ]; then
        echo "$1/.overlay/upper"
        jq -r '.mounts[0].options[0] | split(",")[0] | ltrimstr("lowerdir=") | split(":")[]' "$1/config.json"
    else
        echo "$1/rootfs"
    fi
}

# image_file BUNDLE PATH: the host file that is PATH in the container
image_file() {
    local d
    for d in $(bundle_dirs "$1"); do
        [ -e "$d/$2" ] && { echo "$d/$2"; return; }
    done
    return 1
}

# not_users BUNDLE: whatever of the bundle's tree on disk is not the user's
not_users() {
    # shellcheck disable=SC2046
    find "$1" $(bundle_dirs "$1") ! -user "$RL_UID" | head -3
}

# tree_inside BUNDLE: the container's root file system as it sees it, with
# the image's own find and sha256sum: type, mode, owner, path, link target,
# and a digest of each file (mount points are listed, not entered)
tree_inside() {
    config_edit "$1" '.process.args = ["/bin/bash", "-c",
        "cd / && find / -xdev -printf \"%y %m %U:%G %p %l\\n\" | LC_ALL=C sort -k4 && find / -xdev -type f -print0 | LC_ALL=C sort -z | xargs -0 sha256sum"]'
    chown "$RL_UID:$RL_GID" "$1/config.json"
    as_user runtime run -b "$1" "$ID" 2>/dev/null
}

# line N: line N of $output, blanks squeezed (uid_map's columns are padded)
line() {
    sed -n "$1p" <<<"$output" | tr -s ' \t' ' ' | sed 's/^ //; s/ $//'
}

@test "rootless debian: bash and coreutils run as 0, mapped to the user's uid, from the user's own store" {
    local out
    out=$(user_dir run)
    user_unpack "oci:$DEBIAN:debian" "$out/b" /bin/bash -c \
        'echo "$BASH_VERSION"; id -u; head -1 /proc/self/uid_map; ls -l /etc/passwd; stat -c %U:%G /bin/bash; pwd; cat /etc/debian_version; readlink /bin; id -un; sort --version | head -1'
    # the user's default store holds the image's layers
    local layer
    for layer in $(jq -r '.layers[].digest' "$(blob "$DEBIAN" "$(jq -r '.manifests[0].digest' "$DEBIAN/index.json")")"); do
        [ -f "$(blob "$STORE" "$layer")" ] || fail "layer $layer not in $STORE"
    done
    [ "$(stat -c %u "$STORE")" = "$RL_UID" ] || fail "store not the user's"

    user_run "$out/b"
    [[ "$(line 1)" == 5.* ]] || fail "no bash version: $output"
    [ "$(line 2)" = 0 ] || fail "id -u: $output"
    [ "$(line 3)" = "0 $RL_UID 1" ] || fail "uid_map: $output"
    [[ "$(line 4)" == "-rw-r--r-- 1 root root "*" /etc/passwd" ]] || fail "ls -l: $output"
    [ "$(line 5)" = root:root ] || fail "stat: $output"
    [ "$(line 6)" = /home/app ] || fail "WorkingDir: $output"
    [ "$(line 7)" = "$(cat /etc/debian_version)" ] || fail "debian_version: $output"
    [ "$(line 8)" = usr/bin ] || fail "merged /usr: $output"
    [ "$(line 9)" = root ] || fail "id -un: $output"
    [[ "$(line 10)" == "sort (GNU coreutils) "* ]] || fail "sort: $output"
    # on disk every file is the user's; bash is the host's very binary
    local bash
    bash=$(image_file "$out/b" usr/bin/bash) || fail "no usr/bin/bash in $(bundle_dirs "$out/b")"
    [ "$(stat -c %u "$bash")" = "$RL_UID" ]
    [ -z "$(not_users "$out/b")" ] || fail "not the user's: $(not_users "$out/b")"
    cmp /usr/bin/bash "$bash"
}

@test "rootless debian: the image's Cmd is bash reading its script from stdin; the exit status comes back" {
    local out
    out=$(user_dir cmd)
    user_unpack "oci:$DEBIAN:debian" "$out/b"
    [ "$(cfg "$out/b" .process.args)" = '["/bin/bash"]' ]
    run as_user runtime run -b "$out/b" "$ID" <<<'echo "shell $0 $(id -u)"; exit 7'
    [ "$status" -eq 7 ] || fail "$status $output"
    [[ "$output" == *"shell /bin/bash 0"* ]] || fail "$output"
}

@test "rootless debian: layer 3's whiteout deletes rgrep and its opaque /etc/skel holds only its own .profile" {
    local out
    out=$(user_dir wh)
    user_unpack "oci:$DEBIAN:debian" "$out/b" /bin/bash -c \
        'ls -A /etc/skel; cat /etc/skel/.profile; command -v rgrep || echo "no rgrep"; command -v grep; ls /usr/bin/ | grep -c "^e\?grep$"'
    user_run "$out/b"
    [ "$(line 1)" = .profile ] || fail "/etc/skel: $output"
    [[ "$(line 2)" == "# the image's own skeleton profile"* ]] || fail "/etc/skel/.profile: $output"
    [ "$(line 3)" = "no rgrep" ] || fail "rgrep: $output"
    [ "$(line 4)" = /usr/bin/grep ] || fail "grep: $output"
    [ "$(line 5)" = 2 ] || fail "grep and egrep: $output"
    # no whiteout marker of the tar made it to disk, whatever the backend
    # (overlay's own whiteouts are 0:0 devices)
    # shellcheck disable=SC2046
    [ -z "$(find $(bundle_dirs "$out/b") -name '.wh.*')" ] || fail "$(find $(bundle_dirs "$out/b") -name '.wh.*')"
}

@test "rootless debian: the busybox demo image shares the user's store and runs as 0 mapped to the user" {
    local out
    out=$(user_dir demo)
    user_unpack "oci:$DEMO:demo" "$out/b" sh -c 'id -u; head -1 /proc/self/uid_map; stat -c %U /bin/busybox; ls -l /etc/passwd'
    user_unpack "oci:$DEBIAN:debian" "$out/d" true
    # both images are in the one default store
    run as_user imagetool images
    [ "$status" -eq 0 ] || fail "$output"
    local d
    for d in "$DEMO" "$DEBIAN"; do
        [[ "$output" == *"$(jq -r '.manifests[0].digest | sub("sha256:"; "") | .[:12]' "$d/index.json")"* ]] ||
            fail "$d not listed: $output"
    done
    user_run "$out/b"
    [ "$(line 1)" = 0 ] || fail "$output"
    [ "$(line 2)" = "0 $RL_UID 1" ] || fail "$output"
    [ "$(line 3)" = root ] || fail "$output"
    [[ "$(line 4)" == "-rw-r--r-- 1 root root "*"/etc/passwd" ]] || fail "$output"
    [ -z "$(not_users "$out/b")" ] || fail "not the user's: $(not_users "$out/b")"
}

# rootless_xattrs ROOTFS: every user.rootlesscontainers xattr below ROOTFS, by relative path
rootless_xattrs() {
    (cd "$1" && getfattr -R -P -d -e hex -m user.rootlesscontainers . 2>/dev/null | sed 's|^# file: \./|# file: |')
}

@test "rootless debian: the copy backend's trees are what umoci --rootless unpacks; the default backend shows the container the same tree" {
    command -v umoci >/dev/null || skip "umoci is not installed"
    local out src tag
    out=$(user_dir oracle)
    for src in "$DEBIAN:debian" "$DEMO:demo"; do
        tag=${src##*:}
        run as_user umoci unpack --rootless --image "$src" "$out/umoci-$tag"
        [ "$status" -eq 0 ] || fail "umoci $tag: $output"
        user_unpack --backend copy "oci:$src" "$out/copy-$tag"
        diff -u <(rootfs_listing "$out/umoci-$tag/rootfs") <(rootfs_listing "$out/copy-$tag/rootfs") ||
            fail "$tag: the trees differ"
        # the owners the user cannot give (home/app's 1000:1000, the demo's
        # home/demo): kept in the same xattrs
        if command -v getfattr >/dev/null; then
            rootless_xattrs "$out/umoci-$tag/rootfs" >"$BATS_TEST_TMPDIR/umoci-$tag.xattrs"
            rootless_xattrs "$out/copy-$tag/rootfs" >"$BATS_TEST_TMPDIR/copy-$tag.xattrs"
            grep -q "^# file: home/\(app\|demo\)$" "$BATS_TEST_TMPDIR/copy-$tag.xattrs" ||
                fail "$tag: no owner kept: $(cat "$BATS_TEST_TMPDIR/copy-$tag.xattrs")"
            diff -u "$BATS_TEST_TMPDIR/umoci-$tag.xattrs" "$BATS_TEST_TMPDIR/copy-$tag.xattrs" ||
                fail "$tag: the xattrs differ"
        fi
    done
    # the Debian tree is not empty and owes nothing to the host's root
    [ "$(rootfs_listing "$out/copy-debian/rootfs" | wc -l)" -gt 300 ]
    [ -z "$(not_users "$out/copy-debian")" ]

    # the default backend (overlay over the store's layer dirs, or copy where
    # this kernel refuses a user overlay) against the copy, from inside:
    # every path, mode, owner, link and file digest
    user_unpack "oci:$DEBIAN:debian" "$out/default"
    tree_inside "$out/copy-debian" >"$BATS_TEST_TMPDIR/copy.tree" || fail "copy: $(cat "$BATS_TEST_TMPDIR/copy.tree")"
    tree_inside "$out/default" >"$BATS_TEST_TMPDIR/default.tree" || fail "default: $(cat "$BATS_TEST_TMPDIR/default.tree")"
    diff -u "$BATS_TEST_TMPDIR/copy.tree" "$BATS_TEST_TMPDIR/default.tree" ||
        fail "the $(jq -r .backend "$out/default/.imagetool.json") backend shows another tree"
    # what was looked at: the whole userland, the whiteout and opaque dir applied
    grep -q '^f 755 0:0 /usr/bin/bash $' "$BATS_TEST_TMPDIR/default.tree" || fail "$(head "$BATS_TEST_TMPDIR/default.tree")"
    grep -q "^$(sha256sum /usr/bin/ls | cut -d' ' -f1)  /usr/bin/ls$" "$BATS_TEST_TMPDIR/default.tree" || fail "no digest of ls"
    run ! grep -E ' /usr/bin/rgrep | /etc/skel/\.bashrc ' "$BATS_TEST_TMPDIR/default.tree"
    [ -z "$(not_users "$out/default")" ]
}

@test "rootless debian: the image's user app runs as 1000 through the subordinate range" {
    command -v newuidmap >/dev/null && command -v newgidmap >/dev/null ||
        skip "newuidmap/newgidmap (uidmap) are not installed: the user can map only its own uid"
    grep -q "^$RL_USER:" /etc/subuid && grep -q "^$RL_USER:" /etc/subgid ||
        skip "the test user has no subordinate range"
    local out
    out=$(user_dir app)
    user_unpack -u app "oci:$DEBIAN:debian" "$out/b" /bin/bash -c \
        'id -u; id -g; id -un; pwd; echo "$HOME"; cat /proc/self/uid_map; echo x >/tmp/by-app; touch /etc/passwd 2>/dev/null || echo refused'
    [ "$(cfg "$out/b" '[.process.user.uid, .process.user.gid]')" = '[1000,1000]' ]
    user_run "$out/b"
    [ "$(line 1)" = 1000 ] || fail "id -u: $output"
    [ "$(line 2)" = 1000 ] || fail "id -g: $output"
    [ "$(line 3)" = app ] || fail "id -un: $output"
    [ "$(line 4)" = /home/app ] || fail "pwd: $output"
    [ "$(line 5)" = /home/app ] || fail "HOME: $output"
    [ "$(line 6)" = "0 $RL_UID 1" ] || fail "uid_map: $output"
    [ "$(line 7)" = "1 $RL_SUBID $RL_SUBCOUNT" ] || fail "uid_map: $output"
    [ "$(line 8)" = refused ] || fail "app wrote root's /etc/passwd: $output"
    # what app wrote is the subordinate id for 1000 on disk (in the upper dir
    # of an overlay bundle)
    local f
    f=$(image_file "$out/b" tmp/by-app) || fail "tmp/by-app not in $(bundle_dirs "$out/b")"
    [ "$(stat -c %u:%g "$f")" = "$((RL_SUBID + 999)):$((RL_SUBID + 999))" ]
}

@test "rootless debian: after delete nothing is left: no container, state, process or mount; rm-bundle removes the bundle" {
    local out
    out=$(user_dir life)
    user_unpack "oci:$DEBIAN:debian" "$out/b" /bin/bash -c 'sleep 100 & wait'
    as_user runtime create -b "$out/b" "$ID" >"$BATS_TEST_TMPDIR/create.out" 2>&1 ||
        fail "$(cat "$BATS_TEST_TMPDIR/create.out")"
    as_user runtime start "$ID"
    [ "$(as_user runtime state "$ID" | jq -r .status)" = running ]
    [ "$(as_user runtime list -q)" = "$ID" ]
    # the user's default state root: $XDG_RUNTIME_DIR/runtime
    [ -d "$RL_HOME/run/runtime/$ID" ] || fail "no state under XDG_RUNTIME_DIR: $(ls -A "$RL_HOME/run/runtime")"
    local pid
    pid=$(as_user runtime state "$ID" | jq -r .pid)
    # bash and its sleep, in a mount namespace of their own whose root is
    # the image's and whose mounts name the bundle
    local root
    root=$(stat -L -c %d:%i "/proc/$pid/root")
    [ "$(cat "/proc/$pid/root/etc/debian_version")" = "$(cat /etc/debian_version)" ] || fail "init's root"
    grep -q "$out/b" "/proc/$pid/mountinfo" || fail "$(cat "/proc/$pid/mountinfo")"
    [ "$(ps -o comm= --ppid "$pid")" = sleep ] || fail "$(ps -f --ppid "$pid")"
    [ "$(stat -L -c %i /proc/$pid/ns/mnt)" != "$(stat -L -c %i /proc/self/ns/mnt)" ]

    as_user runtime delete --force "$ID"
    run as_user runtime list -q
    [ "$status" -eq 0 ] && [ -z "$output" ] || fail "still listed: $output"
    # (.cgroup-note remembers that the cgroup note was said: specs/rootless.md)
    [ -z "$(ls -A "$RL_HOME/run/runtime" | grep -vx .cgroup-note)" ] ||
        fail "state left: $(ls -A "$RL_HOME/run/runtime")"
    # no live process of the user (an exited init may wait as a zombie for
    # whoever adopted it), none rooted in the bundle, no mount of it anywhere
    local left
    left=$(ps -u "$RL_UID" -o pid=,stat=,args= | awk '$2 !~ /^Z/')
    [ -z "$left" ] || fail "processes left: $left"
    ! grep -qs "$out/b" /proc/[0-9]*/mountinfo || fail "a mount of the bundle is left"
    local p
    for p in /proc/[0-9]*; do
        [ "$(stat -L -c %d:%i "$p/root" 2>/dev/null)" != "$root" ] || fail "${p#/proc/} still rooted in the container's root"
    done

    run as_user imagetool rm-bundle "$out/b"
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$out/b" ] || fail "bundle left: $(ls -A "$out/b")"
    # the image itself stays in the store
    run as_user imagetool images
    [[ "$output" == *"$(jq -r '.manifests[0].digest | sub("sha256:"; "") | .[:12]' "$DEBIAN/index.json")"* ]] ||
        fail "image gone from the store: $output"
}
