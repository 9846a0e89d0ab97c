#!/usr/bin/env bats
# The container's root: pivot_root and --no-pivot, root.readonly,
# rootfsPropagation, and errors that name the step.

load lib_container

setup() {
    container_setup
    echo "image os $ID" >"$BUNDLE/rootfs/etc/issue"
}

teardown() {
    "$RUNTIME" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

# in_container 'shell command' [run options...]
in_container() {
    local cmd=$1
    shift
    config_edit "$BUNDLE" ".process.args = [\"sh\", \"-c\", $(printf '%s' "$cmd" | jq -Rs .)]"
    run "$RUNTIME" --root "$STATE" run "$@" -b "$BUNDLE" "$ID"
}

mountinfo_of() {
    awk -v p="$1" '$5 == p' <<<"$output" | tail -n1
}

@test "pivot_root: / is the rootfs, the host's root is gone from the mount table" {
    in_container 'cat /etc/issue; cat /proc/self/mountinfo'
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output == *"image os $ID"* ]]
    # the root mount is the bundle's rootfs
    [[ $(mountinfo_of /) == *" $BUNDLE/rootfs / "* ]]
    # every mount point lies in the container's tree: nothing of the old root stays
    local n_host
    n_host=$(awk '$5 == "/" {n++} END {print n}' <<<"$output")
    [ "$n_host" -eq 1 ]
    run ! grep -q " $BATS_TEST_TMPDIR" <<<"$(awk '{print " " $5}' <<<"$output")"
}

@test "pivot_root: .. from / stays in the container" {
    in_container 'cd /../../..; cat etc/issue; ls / | grep -c .'
    [ "$status" -eq 0 ]
    [[ $output == *"image os $ID"* ]]
}

@test "--no-pivot: chroot into the rootfs with the same mounts" {
    in_container 'cat /etc/issue; cat /proc/1/root/etc/issue; cat /proc/self/mountinfo' --no-pivot
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(grep -c "image os $ID" <<<"$output")" -eq 2 ]
    [[ $(mountinfo_of /) == *" $BUNDLE/rootfs / "* ]]
    [[ $(mountinfo_of /proc) == *" - proc proc "* ]]
    [[ $(mountinfo_of /dev) == *" - tmpfs tmpfs "* ]]
}

@test "root.readonly: / cannot be written, mounts on it still can" {
    config_edit "$BUNDLE" '.root.readonly = true | .mounts += [{destination: "/tmp", type: "tmpfs", source: "tmpfs", options: ["nosuid"]}]'
    in_container 'touch /tmp/ok && echo tmp-ok; cat /proc/self/mountinfo; touch /etc/nope'
    [ "$status" -ne 0 ]
    [[ $output == *tmp-ok* ]]
    [[ $(mountinfo_of /) == *" / ro,"* ]]
    [[ $output == *"/etc/nope"*"Read-only file system"* ]]
    [ ! -e "$BUNDLE/rootfs/etc/nope" ]
}

@test "root.readonly false: / is writable and writes reach the bundle" {
    config_edit "$BUNDLE" '.root.readonly = false'
    in_container 'echo written > /etc/hello'
    [ "$status" -eq 0 ]
    [ "$(cat "$BUNDLE/rootfs/etc/hello")" = written ]
}

@test "rootfsPropagation: default is slave (no shared peer), shared and private as asked" {
    in_container 'cat /proc/self/mountinfo'
    [ "$status" -eq 0 ]
    [[ $(mountinfo_of /) != *shared:* ]]
    config_edit "$BUNDLE" '.linux.rootfsPropagation = "rshared"'
    in_container 'cat /proc/self/mountinfo'
    [ "$status" -eq 0 ] || fail "$output"
    [[ $(mountinfo_of /) == *" shared:"* ]]
    [[ $(mountinfo_of /proc) == *" shared:"* ]]
    config_edit "$BUNDLE" '.linux.rootfsPropagation = "private"'
    in_container 'cat /proc/self/mountinfo'
    [ "$status" -eq 0 ]
    [[ $(mountinfo_of /) != *shared:* && $(mountinfo_of /) != *master:* ]]
}

@test "rootfsPropagation: an unknown value is refused by name, before anything is made" {
    config_edit "$BUNDLE" '.linux.rootfsPropagation = "sideways"'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [ "$output" = "runtime: $BUNDLE/config.json: linux.rootfsPropagation: unknown value sideways" ] || fail "$output"
    [ ! -e "$STATE/$ID" ]
}

@test "a symlinked root.path is followed on the host" {
    ln -s bundle/rootfs "$BATS_TEST_TMPDIR/rootlink"
    config_edit "$BUNDLE" ".root.path = \"$BATS_TEST_TMPDIR/rootlink\""
    in_container 'cat /etc/issue'
    [ "$status" -eq 0 ]
    [ "$output" = "image os $ID" ]
}

@test "a failing proc mount names the step and the full target path, and leaves nothing behind" {
    # proc over a file cannot work: the error must say which mount and where
    touch "$BUNDLE/rootfs/notadir"
    config_edit "$BUNDLE" '.mounts += [{destination: "/notadir", type: "proc", source: "proc"}]'
    in_container true
    [ "$status" -ne 0 ]
    [[ $output == *"proc must be mounted on an ordinary directory: $BUNDLE/rootfs/notadir is not a directory"* ]]
    # no container state is left behind
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ]
    run ! grep -q "$BUNDLE/rootfs" /proc/self/mountinfo
}
