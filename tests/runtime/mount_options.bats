#!/usr/bin/env bats
# Mount options runc understands beyond mount(2)'s: tmpcopyup, the
# recursive r* attributes (mount_setattr AT_RECURSIVE), copy-symlink,
# idmap refused clearly; unknown options named in one line; `features`
# reports them in runc's shape (runc 1.1 as the oracle).

load lib_container

setup() { container_setup; }
teardown() {
    container_teardown
    [ -z "${SUBMOUNT:-}" ] || umount -l "$SUBMOUNT" 2>/dev/null || true
}

add_mount() {
    config_edit "$BUNDLE" ".mounts += [$1]"
}

# refused_in_one_line TEXT: the container fails to start with status 3 and
# one line holding TEXT, and leaves no state behind.
refused_in_one_line() {
    in_container true
    [ "$status" -eq 3 ]
    [ "${#lines[@]}" = 1 ]
    [[ "$output" == *"$1"* ]]
    [ ! -e "$STATE/$ID" ]
}

@test "tmpcopyup: the image's content at the target is in the new tmpfs, owners, modes and links kept" {
    mkdir -p "$BUNDLE/rootfs/data/sub"
    echo hello >"$BUNDLE/rootfs/data/sub/f"
    chown 1000:1001 "$BUNDLE/rootfs/data/sub/f"
    chmod 0604 "$BUNDLE/rootfs/data/sub/f"
    ln -s sub/f "$BUNDLE/rootfs/data/link"
    add_mount '{"destination":"/data","type":"tmpfs","source":"tmpfs","options":["nosuid","nodev","mode=755","tmpcopyup"]}'
    in_container 'grep " /data " /proc/mounts | cut -d" " -f3; cat /data/link; stat -c "%u:%g %a" /data/sub/f; readlink /data/link; echo new >/data/new && echo writable'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = tmpfs ]
    [ "${lines[1]}" = hello ]
    [ "${lines[2]}" = "1000:1001 604" ]
    [ "${lines[3]}" = sub/f ]
    [ "${lines[4]}" = writable ]
    # The image itself is untouched (the root is read-only; the copy is in memory).
    [ ! -e "$BUNDLE/rootfs/data/new" ]
}

@test "tmpcopyup: an image's symlink to a host path is copied as a link, never followed to the host's file" {
    mkdir -p "$BUNDLE/rootfs/data"
    ln -s /etc/shadow "$BUNDLE/rootfs/data/evil"
    ln -s ../../../../../../etc "$BUNDLE/rootfs/data/up"
    add_mount '{"destination":"/data","type":"tmpfs","source":"tmpfs","options":["tmpcopyup"]}'
    in_container 'for f in evil up; do [ -L /data/$f ] && echo "$f: link to $(readlink /data/$f)" || echo "$f: NOT A LINK"; done'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "evil: link to /etc/shadow" ]
    [ "${lines[1]}" = "up: link to ../../../../../../etc" ]
}

@test "tmpcopyup: podman's --read-only --tmpfs shape keeps /etc's files on a read-only root" {
    add_mount '{"destination":"/etc","type":"tmpfs","source":"tmpfs","options":["rw","rprivate","nosuid","nodev","tmpcopyup"]}'
    in_container 'cat /etc/passwd | head -n1; echo x >/etc/x && echo etc-writable; { echo y >/y; } 2>/dev/null || echo root-read-only'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "root:x:0:0:root:/root:/bin/sh" ]
    [ "${lines[1]}" = etc-writable ]
    [ "${lines[2]}" = root-read-only ]
}

@test "tmpcopyup: refused on anything but tmpfs, in one line" {
    add_mount '{"destination":"/mnt","type":"bind","source":"/tmp","options":["rbind","tmpcopyup"]}'
    refused_in_one_line "mount /mnt: option tmpcopyup: only for tmpfs mounts, not bind"
}

# A host directory with a tmpfs mounted on its sub/ (a submount a
# recursive bind carries along).
host_tree_with_submount() {
    SRC="$BATS_TEST_TMPDIR/src"
    mkdir -p "$SRC/sub"
    SUBMOUNT="$SRC/sub"
    mount -t tmpfs tmpfs "$SUBMOUNT"
}

@test "rro: a recursive bind is read-only down to its submounts; plain ro is not" {
    host_tree_with_submount
    add_mount "{\"destination\":\"/mnt\",\"type\":\"bind\",\"source\":\"$SRC\",\"options\":[\"rbind\",\"rro\"]}"
    in_container 'touch /mnt/a 2>/dev/null || echo top-ro; touch /mnt/sub/a 2>/dev/null || echo sub-ro'
    [ "$status" -eq 0 ]
    [ "$output" = "top-ro
sub-ro" ]
    container_teardown
    config_edit "$BUNDLE" '.mounts[-1].options = ["rbind", "ro"]'
    in_container 'touch /mnt/a 2>/dev/null || echo top-ro; touch /mnt/sub/a && echo sub-rw'
    [ "$output" = "top-ro
sub-rw" ]
}

@test "rnosuid, rnoexec, rnodev: every submount carries the flags" {
    host_tree_with_submount
    add_mount "{\"destination\":\"/mnt\",\"type\":\"bind\",\"source\":\"$SRC\",\"options\":[\"rbind\",\"rnosuid\",\"rnoexec\",\"rnodev\",\"rnoatime\"]}"
    in_container 'grep " /mnt/sub " /proc/mounts | cut -d" " -f4'
    [ "$status" -eq 0 ]
    for f in nosuid nodev noexec noatime; do
        [[ ",$output," == *",$f,"* ]] || fail "/mnt/sub lacks $f: $output"
    done
}

@test "copy-symlink: a bind of a symlink makes the same symlink in the container" {
    ln -s /etc/passwd "$BATS_TEST_TMPDIR/link"
    add_mount "{\"destination\":\"/opt/link\",\"type\":\"bind\",\"source\":\"$BATS_TEST_TMPDIR/link\",\"options\":[\"bind\",\"copy-symlink\"]}"
    config_edit "$BUNDLE" '.root.readonly = false'
    in_container 'readlink /opt/link; head -n1 /opt/link'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = /etc/passwd ]
    # It resolves inside the container, to the image's passwd, not the host's.
    [ "${lines[1]}" = "$(head -n1 "$BUNDLE/rootfs/etc/passwd")" ]
}

@test "unknown and unsupported options are one line naming them, nothing left behind" {
    add_mount '{"destination":"/data","type":"tmpfs","source":"tmpfs","options":["nosuid","bogus=1"]}'
    refused_in_one_line "mount /data: tmpfs refused the option \"bogus=1\" (tmpfs: Unknown parameter 'bogus'): Invalid argument"
    config_edit "$BUNDLE" '.mounts[-1] = {"destination":"/mnt","type":"bind","source":"/tmp","options":["rbind","idmap"]}'
    in_container true
    [ "$status" -eq 3 ]
    [ "$output" = "runtime: $BUNDLE/config.json: mounts[$(($(jq '.mounts | length' "$BUNDLE/config.json") - 1))]: mount /mnt: option idmap: idmapped mounts are not supported by this runtime" ]
}

@test "file system options are judged before anything exists: bad values, unknown types; good ones mount" {
    local cg
    add_mount '{"destination":"/data","type":"tmpfs","source":"tmpfs","options":["size=abc"]}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ] || fail "$output"
    [ "${#lines[@]}" = 1 ] || fail "$output"
    [[ "$output" == *"mount /data: tmpfs refused the option \"size=abc\" (tmpfs: Bad value for 'size'): Invalid argument" ]] ||
        fail "$output"
    # refused in the parent: no state directory and no cgroup were ever made
    [ ! -e "$STATE/$ID" ]
    for cg in /sys/fs/cgroup/*/"$ID" /sys/fs/cgroup/*/*/"$ID"; do [ ! -e "$cg" ] || fail "cgroup $cg made"; done
    config_edit "$BUNDLE" '.mounts[-1] = {"destination":"/dev/pts","type":"devpts","source":"devpts","options":["ptmxmode=zzz"]}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"devpts refused the option \"ptmxmode=zzz\" (devpts: Bad value for 'ptmxmode')"* ]] || fail "$output"
    config_edit "$BUNDLE" '.mounts[-1] = {"destination":"/data","type":"nosuchfs","source":"x"}'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'mount /data: file system type "nosuchfs" is not known to this kernel' ]] || fail "$output"
    [ ! -e "$STATE/$ID" ]
    # the probe creates nothing and accepts what the kernel accepts
    config_edit "$BUNDLE" '.mounts[-1] = {"destination":"/data","type":"tmpfs","source":"tmpfs","options":["nosuid","size=1m","mode=1777","uid=1000"]}'
    in_container 'grep " /data " /proc/mounts'
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"size=1024k"*"uid=1000"* ]] || fail "$output"
}

@test "features: runc's shape; every mount option runc lists is ours too" {
    run "$RUNTIME" features
    [ "$status" -eq 0 ]
    ours=$output
    echo "$ours" | jq -e '.ociVersionMin and .ociVersionMax and (.mountOptions | index("tmpcopyup")) and (.mountOptions | index("rro"))'
    echo "$ours" | jq -e '.linux.namespaces == ["cgroup","ipc","mount","network","pid","user","uts"]'
    echo "$ours" | jq -e '(.linux.capabilities | index("CAP_SYS_ADMIN")) and .linux.seccomp.enabled
        and (.linux.seccomp.actions | index("SCMP_ACT_NOTIFY")) and (.linux.seccomp.operators | length) == 7
        and (.linux.seccomp.archs | index("SCMP_ARCH_X86_64")) and .linux.apparmor.enabled and .linux.selinux.enabled
        and .linux.cgroup.v1 and .linux.cgroup.v2 and .annotations["io.github.seccomp.libseccomp.version"]'
    command -v runc >/dev/null || skip "runc is not installed (the shape was checked)"
    theirs=$(runc features)
    missing=$(jq -n --argjson a "$theirs" --argjson b "$ours" '$a.mountOptions - $b.mountOptions')
    [ "$missing" = "[]" ] || fail "options runc has and we lack: $missing"
    [ "$(jq -c '.linux.seccomp.actions' <<<"$theirs")" = "$(jq -c '.linux.seccomp.actions' <<<"$ours")" ]
    [ "$(jq -c '.linux.seccomp.operators' <<<"$theirs")" = "$(jq -c '.linux.seccomp.operators' <<<"$ours")" ]
    [ "$(jq -c '.linux.namespaces' <<<"$theirs")" = "$(jq -c '.linux.namespaces' <<<"$ours")" ]
    [ "$(jq -c '.linux.capabilities' <<<"$theirs")" = "$(jq -c '.linux.capabilities' <<<"$ours")" ]
}

@test "features: every option it lists is accepted on a tmpfs or a bind mount" {
    opts=$("$RUNTIME" features | jq -r '.mountOptions[]')
    for o in $opts; do
        case "$o" in
        copy-symlink | remount | bind | rbind | mand | iversion | noiversion | acl) continue ;; # need a special mount or file system
        esac
        config_edit "$BUNDLE" ".mounts = [.mounts[] | select(.destination != \"/mnt\")] +
            [{\"destination\":\"/mnt\",\"type\":\"tmpfs\",\"source\":\"tmpfs\",\"options\":[\"$o\"]}]"
        in_container true
        [ "$status" -eq 0 ] || fail "option $o: $output"
    done
}

@test "rootfsPropagation: every value runs, and / inside carries it (unbindable included)" {
    for p in shared slave private unbindable rshared rslave rprivate runbindable; do
        config_edit "$BUNDLE" ".linux.rootfsPropagation = \"$p\""
        in_container 'head -n1 /proc/self/mountinfo'
        [ "$status" -eq 0 ] || fail "rootfsPropagation $p: $output"
        case "$p" in
        *shared) [[ "$output" == *" shared:"* ]] || fail "$p: $output" ;;
        *unbindable) [[ "$output" == *" unbindable "* ]] || fail "$p: $output" ;;
        esac
    done
}

@test "no mount namespace: the container runs chroot'ed in the rootfs, with a warning, leaving no mount" {
    config_edit "$BUNDLE" '.linux.namespaces |= map(select(.type != "mount"))'
    before=$(wc -l </proc/self/mountinfo)
    in_container 'cat /etc/passwd | head -n1'
    [ "$status" -eq 0 ]
    [[ "$output" == *"warning: linux.namespaces: no mount namespace"* ]]
    [[ "$output" == *"root:x:0:0:root:/root:/bin/sh"* ]]
    [ "$(wc -l </proc/self/mountinfo)" = "$before" ]
    run ! grep -q "$BUNDLE" /proc/self/mountinfo
}

@test "no process: create refuses a config without process in one line, as runc does" {
    config_edit "$BUNDLE" 'del(.process)'
    run "$RUNTIME" --root "$STATE" create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [ "${#lines[@]}" = 1 ]
    [[ "$output" == *"process: missing"* ]]
    [ ! -e "$STATE/$ID" ]
}
