#!/usr/bin/env bats
# appc:NAME by discovery, served by tests/lib/appc-server.py on 127.0.0.1
# (plain http, allowed for loopback as for registries): meta discovery
# walking up the name, Mesos' simple discovery under a prefix (http:// and
# file://), a dependency found by discovery, a 404, a redirect, plain http
# to a host that is not loopback (in a network namespace of the test's own),
# labels that do not match, and signatures checked with gpgv against
# --trust-keys.

load ../lib/helpers
load ../lib/aci

setup_file() {
    export SRV="$BATS_FILE_TMPDIR/srv"
    mkdir -p "$SRV"
    python3 "$PROJECT_ROOT/tests/lib/appc-server.py" "$SRV" "$BATS_FILE_TMPDIR/port" >/dev/null 2>&1 3>&- &
    echo $! >"$BATS_FILE_TMPDIR/server.pid"
    local i
    for i in $(seq 50); do [ -f "$BATS_FILE_TMPDIR/port" ] && break; sleep 0.1; done
    export PORT=$(cat "$BATS_FILE_TMPDIR/port")
    # meta discovery: one page at the host's root serves every name below it
    echo "<html><head><meta name=\"ac-discovery\" content=\"127.0.0.1 http://127.0.0.1:$PORT/images/{name}-{version}-{os}-{arch}.{ext}\">
<meta name=\"ac-discovery-pubkeys\" content=\"127.0.0.1 http://127.0.0.1:$PORT/pubkeys.gpg\"></head></html>" \
        >"$SRV/ac-discovery.html"
}

teardown_file() {
    kill "$(cat "$BATS_FILE_TMPDIR/server.pid")"
}

# the default backend's bundles are mounts: none outlives its test
teardown() {
    unmount_test_bundles
}

setup() {
    S="$BATS_TEST_TMPDIR/store"
    T="$BATS_TEST_TMPDIR"
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

# serve NAME [JQ] [VERSION]: a busybox ACI called NAME where meta discovery finds it
serve() {
    local v=${3:-1.0}
    mkdir -p "$(dirname "$SRV/images/$1")"
    busybox_aci "$SRV/images/$1-$v-linux-$(aci_arch).aci" "$1" "${2:-.}"
}

requests() { grep -c "$1" "$SRV/requests.log" || true; }

@test "appc: meta discovery walks up the name to the ac-discovery tags, fetches, says once it is not verified" {
    serve 127.0.0.1/team/hello
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/team/hello:1.0 "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b/rootfs/etc/issue")" = "Welcome to 127.0.0.1/team/hello" ]
    [ "$(grep -c 'is not verified' <<<"$output")" = 1 ]
    grep -qx '/team/hello?ac-discovery=1' "$SRV/requests.log"
    grep -qx '/team?ac-discovery=1' "$SRV/requests.log"
    grep -qx "/images/127.0.0.1/team/hello-1.0-linux-$(aci_arch).aci" "$SRV/requests.log"
    it images | grep -q "appc:127.0.0.1/team/hello,arch=$(aci_arch),os=linux,version=1.0"
}

@test "appc: a second use costs no download (the store has it by name and labels)" {
    serve 127.0.0.1/again
    it unpack -q --appc-port "$PORT" appc:127.0.0.1/again:1.0 "$T/b1"
    local before
    before=$(requests /images/127.0.0.1/again)
    [ "$before" = 1 ]
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/again,version=1.0 "$T/b2"
    [ "$status" -eq 0 ]
    [ "$(requests /images/127.0.0.1/again)" = 1 ]
    [ -x "$T/b2/rootfs/bin/busybox" ]
}

@test "appc: Mesos' simple discovery under --appc-simple-prefix, over http:// and file://" {
    mkdir -p "$SRV/simple/127.0.0.1" "$T/local/127.0.0.1"
    busybox_aci "$SRV/simple/127.0.0.1/simple-2.0-linux-$(aci_arch).aci" 127.0.0.1/simple \
        '.labels[0].value = "2.0"'
    run it unpack -q --appc-simple-prefix "http://127.0.0.1:$PORT/simple" appc:127.0.0.1/simple:2.0 "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b/rootfs/etc/issue")" = "Welcome to 127.0.0.1/simple" ]
    [ "$(requests '?ac-discovery=1' | grep -c simple || true)" = 0 ]
    cp "$SRV/simple/127.0.0.1/simple-2.0-linux-$(aci_arch).aci" "$T/local/127.0.0.1/"
    run "$IMAGETOOL" --store "$T/store2" unpack -q --appc-simple-prefix "file://$T/local/" appc:127.0.0.1/simple:2.0 "$T/b2"
    [ "$status" -eq 0 ]
    [ -x "$T/b2/rootfs/bin/busybox" ]
}

@test "appc: os and arch default to the host's; another arch is a 404 (exit 4) and leaves nothing" {
    serve 127.0.0.1/plat
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/plat:1.0,arch=s390x "$T/b"
    [ "$status" -eq 4 ]
    [[ "$output" == *"/images/127.0.0.1/plat-1.0-linux-s390x.aci: HTTP 404"* ]]
    [ ! -e "$T/b" ]
    [ -z "$(it images --format json | jq -r '.[].name // empty')" ]
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/nosuch:1.0 "$T/b"
    [ "$status" -eq 4 ]
    [ ! -e "$T/b" ]
}

@test "appc: a dependency found by discovery is laid down beneath the image" {
    serve 127.0.0.1/dep/base
    mkdir -p "$SRV/images/127.0.0.1/dep"
    files_aci "$SRV/images/127.0.0.1/dep/app-1.0-linux-$(aci_arch).aci" \
        "$(aci_app_manifest 127.0.0.1/dep/app '.dependencies = [{imageName: "127.0.0.1/dep/base", labels: [{name: "version", value: "1.0"}]}]')" \
        etc/issue=app
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/dep/app:1.0 "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b/rootfs/etc/issue")" = app ]
    [ -x "$T/b/rootfs/bin/busybox" ]
    [ "$(requests "/images/127.0.0.1/dep/base-1.0")" = 1 ]
}

@test "appc: redirects are followed" {
    mkdir -p "$SRV/moved/127.0.0.1"
    busybox_aci "$SRV/moved/127.0.0.1/red-1.0-linux-$(aci_arch).aci" 127.0.0.1/red
    echo "/images/127.0.0.1/red-1.0-linux-$(aci_arch).aci http://127.0.0.1:$PORT/moved/127.0.0.1/red-1.0-linux-$(aci_arch).aci" \
        >>"$SRV/redirects"
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/red:1.0 "$T/b"
    [ "$status" -eq 0 ]
    [ "$(cat "$T/b/rootfs/etc/issue")" = "Welcome to 127.0.0.1/red" ]
}

@test "appc: an image whose manifest does not match the name and labels asked for is refused (exit 3)" {
    mkdir -p "$SRV/images/127.0.0.1"
    busybox_aci "$SRV/images/127.0.0.1/liar-1.0-linux-$(aci_arch).aci" 127.0.0.1/other
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/liar:1.0 "$T/b"
    [ "$status" -eq 3 ]
    [[ "$output" == *'is "127.0.0.1/other", not the "127.0.0.1/liar" asked for'* ]]
    busybox_aci "$SRV/images/127.0.0.1/wrongv-1.0-linux-$(aci_arch).aci" 127.0.0.1/wrongv '.labels[0].value = "9"'
    run it unpack -q --appc-port "$PORT" appc:127.0.0.1/wrongv:1.0 "$T/b"
    [ "$status" -eq 3 ]
    [[ "$output" == *"labels do not match"* ]]
    [ ! -e "$T/b" ]
}

# in_far_netns SCRIPT: SCRIPT (bash) in a new network namespace whose lo also
# holds 192.0.2.1, a host that is not loopback by name yet answers locally:
# $T/far is served there over plain http ($FAR_PORT), $SRV on 127.0.0.1
# ($NEAR_PORT). Nothing leaves the machine.
in_far_netns() {
    cat >"$T/netns.sh" <<EOF
set -u
ip link set lo up && ip addr add 192.0.2.1/32 dev lo || exit 99
python3 "$PROJECT_ROOT/tests/lib/appc-server.py" "$T/far" "$T/far.port" --bind 192.0.2.1 >/dev/null 2>&1 &
far=\$!
python3 "$PROJECT_ROOT/tests/lib/appc-server.py" "$SRV" "$T/near.port" >/dev/null 2>&1 &
near=\$!
trap 'kill \$far \$near' EXIT
for i in \$(seq 50); do [ -s "$T/far.port" ] && [ -s "$T/near.port" ] && break; sleep 0.1; done
FAR_PORT=\$(cat "$T/far.port") NEAR_PORT=\$(cat "$T/near.port")
$1
EOF
    unshare -n bash "$T/netns.sh"
}

@test "appc: plain http to a host that is not loopback is refused, directly or as a redirect's target, though it answers" {
    command -v unshare >/dev/null && command -v ip >/dev/null || skip "unshare or ip missing"
    export T
    mkdir -p "$T/far/images/192.0.2.1"
    busybox_aci "$T/far/images/192.0.2.1/far-1.0-linux-$(aci_arch).aci" 192.0.2.1/far
    local get='"$IMAGETOOL" --store "$T/st-$1" unpack -q "${@:2}" appc:192.0.2.1/far:1.0 "$T/b-$1" >"$T/$1.out" 2>&1; echo $? >"$T/$1.rc"'
    echo "/moved/192.0.2.1/far-1.0-linux-$(aci_arch).aci http://192.0.2.1:FAR_PORT/images/192.0.2.1/far-1.0-linux-$(aci_arch).aci" \
        >"$T/redirect-template"
    run in_far_netns "get() { $get; }
        sed \"s/FAR_PORT/\$FAR_PORT/\" '$T/redirect-template' >>'$SRV/redirects'
        get direct --appc-simple-prefix http://192.0.2.1:\$FAR_PORT/images
        get allowed --tls-verify=false --appc-simple-prefix http://192.0.2.1:\$FAR_PORT/images
        get redirected --appc-simple-prefix http://127.0.0.1:\$NEAR_PORT/moved"
    sed -i '/192.0.2.1/d' "$SRV/redirects"
    [ "$status" -eq 0 ] || fail "netns: $output"
    # the host answers: with --tls-verify=false the same fetch works
    [ "$(cat "$T/allowed.rc")" = 0 ] || fail "$(cat "$T/allowed.out")"
    [ "$(cat "$T/direct.rc")" = 6 ] || fail "direct: $(cat "$T/direct.rc") $(cat "$T/direct.out")"
    grep -q "plain http is refused (use https, or --tls-verify=false)" "$T/direct.out"
    [ ! -e "$T/b-direct" ]
    [ "$(cat "$T/redirected.rc")" = 6 ] || fail "redirected: $(cat "$T/redirected.rc") $(cat "$T/redirected.out")"
    grep -q "redirect to http://192.0.2.1:.* refused" "$T/redirected.out"
    [ ! -e "$T/b-redirected" ]
    # only the allowed fetch reached the far host
    [ "$(grep -c '^/images/192.0.2.1/far' "$T/far/requests.log")" = 1 ]
}

# gpg_key HOME NAME: a new signing key in HOME
gpg_key() {
    mkdir -m 700 -p "$1"
    GNUPGHOME="$1" gpg --batch --quiet --passphrase '' --quick-gen-key "$2 <test@example.invalid>" ed25519 sign never
}

@test "appc: --trust-keys: a good signature verifies (prefix-scoped key); another key's, none, or a tampered one fail" {
    serve 127.0.0.1/signed
    local aci="$SRV/images/127.0.0.1/signed-1.0-linux-$(aci_arch).aci"
    gpg_key "$T/g1" signer
    gpg_key "$T/g2" stranger
    GNUPGHOME="$T/g1" gpg --batch --quiet --detach-sign --armor -o "$aci.asc" "$aci"
    mkdir -p "$T/trust/127.0.0.1" "$T/strangers" "$T/elsewhere/example.com"
    GNUPGHOME="$T/g1" gpg --armor --export >"$T/trust/127.0.0.1/signer.asc"
    GNUPGHOME="$T/g1" gpg --export >"$T/elsewhere/example.com/signer.gpg"
    GNUPGHOME="$T/g2" gpg --export >"$T/strangers/stranger.gpg"
    run it unpack -q --appc-port "$PORT" --trust-keys "$T/strangers" appc:127.0.0.1/signed:1.0 "$T/b"
    [ "$status" -eq 3 ]
    [[ "$output" == *"the signature does not verify"*"the discovery offers keys at http://127.0.0.1:$PORT/pubkeys.gpg"* ]]
    [ ! -e "$T/b" ]
    [ -z "$(it images --format json | jq -r '.[].name // empty')" ]
    # a key trusted only for example.com/ does not count for 127.0.0.1/
    run it unpack -q --appc-port "$PORT" --trust-keys "$T/elsewhere" appc:127.0.0.1/signed:1.0 "$T/b"
    [ "$status" -eq 4 ]
    [[ "$output" == *"holds no key trusted for it"* ]]
    run it unpack -q --appc-port "$PORT" --trust-keys "$T/trust" appc:127.0.0.1/signed:1.0 "$T/b"
    [ "$status" -eq 0 ]
    [[ "$output" == *"signature verified"* ]]
    [[ "$output" != *"not verified"* ]]
    cp "$aci" "$T/orig.aci"
    echo tampered >>"$aci"
    run "$IMAGETOOL" --store "$T/s2" unpack -q --appc-port "$PORT" --trust-keys "$T/trust" appc:127.0.0.1/signed:1.0 "$T/b2"
    [ "$status" -eq 3 ]
    [[ "$output" == *"BAD signature"* ]]
    cp "$T/orig.aci" "$aci"
    rm "$aci.asc"
    run "$IMAGETOOL" --store "$T/s3" unpack -q --appc-port "$PORT" --trust-keys "$T/trust" appc:127.0.0.1/signed:1.0 "$T/b3"
    [ "$status" -eq 4 ]
    [[ "$output" == *"signature"*"404"* ]]
    [ ! -e "$T/b3" ]
}
