#!/usr/bin/env bats
# User resolution against the image's /etc/passwd and /etc/group:
# name, uid, uid:gid, name:group, uid:group; additional gids (the groups
# listing the user's passwd name, as Docker and umoci give) when no group is
# named; HOME from /etc/passwd unless the image sets it.
# The demo image has root (0:0, /root, in wheel), demo (1000:1000,
# /home/demo, in wheel and staff) and groups wheel=10, staff=50.

load ../lib/helpers
load unpack_helpers

# user_of USER-FIELD [UNPACK-FLAGS...]: "uid gid [gids] HOME" of the result.
user_of() {
    local field=$1 ref b="$BATS_TEST_TMPDIR/b$RANDOM"
    shift
    ref=$(demo_with ".config.User = \"$field\"")
    it_unpack "$@" "$ref" "$b" || return 1
    jq -r '"\(.process.user.uid) \(.process.user.gid) \(.process.user.additionalGids // [] | join(",")) \(.process.env[] | select(startswith("HOME=")) | .[5:])"' "$b/config.json"
}

@test "user: empty User is root, with root's supplementary groups (Docker's rule)" {
    [ "$(user_of "")" = "0 0 10 /root" ]
}

@test "user: a name takes uid, gid, additional groups and HOME from the image" {
    [ "$(user_of demo)" = "1000 1000 10,50 /home/demo" ]
    [ "$(user_of root)" = "0 0 10 /root" ]
}

@test "user: a uid alone takes gid, the groups of its passwd name and HOME from its entry" {
    [ "$(user_of 1000)" = "1000 1000 10,50 /home/demo" ]
}

@test "user: a uid with no passwd entry gets gid 0 and HOME /" {
    [ "$(user_of 4242)" = "4242 0  /" ]
}

@test "user: uid:gid, name:group, uid:group and name:gid" {
    [ "$(user_of 1000:50)" = "1000 50  /home/demo" ]
    [ "$(user_of demo:staff)" = "1000 50  /home/demo" ]
    [ "$(user_of 4242:wheel)" = "4242 10  /" ]
    [ "$(user_of demo:7)" = "1000 7  /home/demo" ]
}

@test "user: --user overrides the image's User" {
    [ "$(user_of root --user demo)" = "1000 1000 10,50 /home/demo" ]
    [ "$(user_of demo --user 0:0)" = "0 0  /root" ]
}

@test "user: an unknown user or group name is an error that leaves nothing behind" {
    local ref b="$BATS_TEST_TMPDIR/b"
    ref=$(demo_with '.config.User = "nosuchuser"')
    run it_unpack "$ref" "$b"
    [ "$status" -eq 3 ]
    [[ "$output" == *'"nosuchuser"'*"/etc/passwd"* ]]
    [ ! -e "$b" ]
    run it_unpack --user demo:nosuchgroup "oci:$(demo_image):demo" "$b"
    [ "$status" -eq 3 ]
    [[ "$output" == *'"nosuchgroup"'*"/etc/group"* ]]
    [ ! -e "$b" ]
}

@test "user: HOME set by the image is kept" {
    local ref b="$BATS_TEST_TMPDIR/b"
    ref=$(demo_with '.config.User = "demo" | .config.Env += ["HOME=/srv"]')
    it_unpack "$ref" "$b"
    [ "$(cfg "$b" '[.process.env[] | select(startswith("HOME="))]')" = '["HOME=/srv"]' ]
}

@test "user: the image's /etc/passwd is read beneath its rootfs (a symlink to the host's is not followed out)" {
    # A layer whose /etc/passwd is a symlink to ../../../../etc/passwd: inside
    # the rootfs that is the symlink itself (a loop), never the host's file.
    local img="$BATS_TEST_TMPDIR/img" layer="$BATS_TEST_TMPDIR/layer"
    mkdir -p "$layer/etc"
    ln -s ../../../../../../etc/passwd "$layer/etc/passwd"
    local ref
    ref=$(demo_with '.config.User = "daemon"')
    # add the layer on top of the derived demo image
    local dir=${ref#oci:}
    dir=${dir%:demo}
    tar -C "$layer" -cf "$BATS_TEST_TMPDIR/l.tar" etc
    local lhex lsize
    lhex=$(sha256sum "$BATS_TEST_TMPDIR/l.tar" | cut -d' ' -f1)
    cp "$BATS_TEST_TMPDIR/l.tar" "$dir/blobs/sha256/$lhex"
    lsize=$(stat -c %s "$BATS_TEST_TMPDIR/l.tar")
    derive_image "$dir" "$img" ".rootfs.diff_ids += [\"sha256:$lhex\"]"
    local m mhex
    m=$(jq -r '.manifests[0].digest' "$img/index.json")
    jq -c --arg d "sha256:$lhex" --argjson s "$lsize" \
        '.layers += [{mediaType: "application/vnd.oci.image.layer.v1.tar", digest: $d, size: $s}]' \
        "$img/blobs/sha256/${m#sha256:}" >"$BATS_TEST_TMPDIR/m.json"
    mhex=$(sha256sum "$BATS_TEST_TMPDIR/m.json" | cut -d' ' -f1)
    cp "$BATS_TEST_TMPDIR/m.json" "$img/blobs/sha256/$mhex"
    jq -c --arg d "sha256:$mhex" --argjson s "$(stat -c %s "$BATS_TEST_TMPDIR/m.json")" \
        '.manifests[0].digest = $d | .manifests[0].size = $s' "$img/index.json" >"$img/index.new"
    mv "$img/index.new" "$img/index.json"
    grep -q '^daemon:' /etc/passwd || skip "the host has no daemon user"
    run it_unpack "oci:$img:demo" "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 3 ] || fail "status $status: $output"
    [ ! -e "$BATS_TEST_TMPDIR/b" ]
}
