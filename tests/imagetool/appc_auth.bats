#!/usr/bin/env bats
# Credentials for Appc discovery and ACI fetches (specs/appc.md,
# "Credentials"): the docker:// path's --creds and auth files, HTTP Basic,
# sent to https endpoints that ask for them; never over plain http unless
# --tls-verify=false; --creds only to the host the user named; nothing
# along a redirect to another host. Servers: tests/lib/appc-server.py on
# 127.0.0.1, https with the test CA and Basic auth required.

load ../lib/helpers
load ../lib/aci
load ../lib/registry/registry

# start_server VAR ROOT ARGS...: appc-server.py in the background; VAR_PORT set.
start_server() {
    local var=$1 root=$2
    shift 2
    mkdir -p "$root"
    python3 "$PROJECT_ROOT/tests/lib/appc-server.py" "$root" "$root.port" "$@" >/dev/null 2>&1 3>&- &
    reg_track_pid $!
    reg_wait_file "$root.port"
    export "${var}_PORT=$(cat "$root.port")"
}

# discovery_page ROOT PORT SCHEME: meta discovery for every name under 127.0.0.1
discovery_page() {
    echo "<html><head><meta name=\"ac-discovery\" content=\"127.0.0.1 $3://127.0.0.1:$2/images/{name}-{version}-{os}-{arch}.{ext}\"></head></html>" \
        >"$1/ac-discovery.html"
}

setup_file() {
    export REG_PIDS_FILE="$BATS_FILE_TMPDIR/pids"
    export PKI="$BATS_FILE_TMPDIR/pki"
    reg_make_pki "$PKI"
    export SEC="$BATS_FILE_TMPDIR/sec" PLAIN="$BATS_FILE_TMPDIR/plain"
    start_server SEC "$SEC" --tls "$PKI/server.crt" "$PKI/server.key" --basic 'alice:s3cret!'
    start_server PLAIN "$PLAIN" --basic 'alice:s3cret!'
    discovery_page "$SEC" "$SEC_PORT" https
    discovery_page "$PLAIN" "$PLAIN_PORT" http
    local d
    for d in "$SEC" "$PLAIN"; do
        mkdir -p "$d/images/127.0.0.1"
        busybox_aci "$d/images/127.0.0.1/locked-1.0-linux-$(aci_arch).aci" 127.0.0.1/locked
    done
}

teardown_file() {
    reg_stop_all
}

# the default backend's bundles are mounts
teardown() {
    unmount_test_bundles
}

setup() {
    S="$BATS_TEST_TMPDIR/store"
    T="$BATS_TEST_TMPDIR"
    export IMAGETOOL_CERTS_DIRS="$T/certs.d"
    mkdir -p "$T/certs.d/127.0.0.1:$SEC_PORT"
    cp "$PKI/ca.crt" "$T/certs.d/127.0.0.1:$SEC_PORT/ca.crt"
    # no auth file of the machine's user may leak in
    export HOME="$T/home" XDG_RUNTIME_DIR="$T/run" XDG_CONFIG_HOME=
    unset REGISTRY_AUTH_FILE
    mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
    : >"$SEC/auth.log"
    : >"$PLAIN/auth.log"
}

it() { "$IMAGETOOL" --store "$S" "$@"; }

aci_path() { echo "/images/127.0.0.1/locked-1.0-linux-$(aci_arch).aci"; }

@test "appc auth: https discovery and fetch with --creds; without them, or with wrong ones, one clear line (exit 6)" {
    run it unpack -q --appc-port "$SEC_PORT" appc:127.0.0.1/locked:1.0 "$T/b"
    [ "$status" -eq 6 ]
    [[ "$output" == *"HTTP 401: no credentials given (--creds USER:PASS, --authfile or ~/.docker/config.json)"* ]]
    [ ! -e "$T/b" ]
    run it unpack -q --appc-port "$SEC_PORT" --creds alice:wrong appc:127.0.0.1/locked:1.0 "$T/b"
    [ "$status" -eq 6 ]
    [[ "$output" == *"HTTP 401: the server refused the credentials of user 'alice'"* ]]
    [ ! -e "$T/b" ]
    : >"$SEC/auth.log"
    run it unpack -q --appc-port "$SEC_PORT" --creds 'alice:s3cret!' appc:127.0.0.1/locked:1.0 "$T/b"
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(cat "$T/b/rootfs/etc/issue")" = "Welcome to 127.0.0.1/locked" ]
    # the discovery page and the ACI both came with the credentials
    grep -q "?ac-discovery=1 auth=good" "$SEC/auth.log"
    grep -q "$(aci_path) auth=good" "$SEC/auth.log"
    run ! grep -q "auth=bad" "$SEC/auth.log"
}

@test "appc auth: an --authfile entry for the host (or the default auth files) works as for docker://" {
    local auth
    auth=$(printf '%s' 'alice:s3cret!' | base64)
    jq -n --arg h "127.0.0.1:$SEC_PORT" --arg a "$auth" '{auths: {($h): {auth: $a}}}' >"$T/auth.json"
    run it unpack -q --appc-port "$SEC_PORT" --authfile "$T/auth.json" appc:127.0.0.1/locked:1.0 "$T/b"
    [ "$status" -eq 0 ] || fail "$output"
    mkdir -p "$HOME/.docker"
    cp "$T/auth.json" "$HOME/.docker/config.json"
    run "$IMAGETOOL" --store "$T/s2" unpack -q --appc-port "$SEC_PORT" appc:127.0.0.1/locked:1.0 "$T/b2"
    [ "$status" -eq 0 ] || fail "$output"
    [ -x "$T/b2/rootfs/bin/busybox" ]
}

@test "appc auth: credentials never go over plain http unless --tls-verify=false" {
    run it unpack -q --appc-port "$PLAIN_PORT" --creds 'alice:s3cret!' appc:127.0.0.1/locked:1.0 "$T/b"
    [ "$status" -eq 6 ]
    [[ "$output" == *"credentials are never sent over plain http (use https, or --tls-verify=false)"* ]]
    [ ! -e "$T/b" ]
    grep -q "auth=none" "$PLAIN/auth.log"
    run ! grep -qE "auth=(good|bad)" "$PLAIN/auth.log"
    run it unpack -q --appc-port "$PLAIN_PORT" --tls-verify=false --creds 'alice:s3cret!' appc:127.0.0.1/locked:1.0 "$T/b"
    [ "$status" -eq 0 ] || fail "$output"
    grep -q "$(aci_path) auth=good" "$PLAIN/auth.log"
}

@test "appc auth: --creds go only to the host named; not along a redirect to another host" {
    # the ACI moved to localhost:PORT (the same server, another host name)
    mkdir -p "$T/certs.d/localhost:$SEC_PORT"
    cp "$PKI/ca.crt" "$T/certs.d/localhost:$SEC_PORT/ca.crt"
    echo "$(aci_path)x https://localhost:$SEC_PORT$(aci_path)" >"$SEC/redirects"
    echo "<html><head><meta name=\"ac-discovery\" content=\"127.0.0.1 https://127.0.0.1:$SEC_PORT/images/{name}-{version}-{os}-{arch}.{ext}x\"></head></html>" \
        >"$SEC/moved.html"
    cp "$SEC/ac-discovery.html" "$T/page.orig"
    cp "$SEC/moved.html" "$SEC/ac-discovery.html"
    run it unpack -q --appc-port "$SEC_PORT" --creds 'alice:s3cret!' appc:127.0.0.1/locked:1.0 "$T/b"
    cp "$T/page.orig" "$SEC/ac-discovery.html"
    rm "$SEC/redirects"
    [ "$status" -eq 6 ] || fail "$status: $output"
    [[ "$output" == *"(redirected to https://localhost:$SEC_PORT$(aci_path)): HTTP 401: no credentials given"* ]]
    grep -q "^127.0.0.1:$SEC_PORT $(aci_path)x auth=good" "$SEC/auth.log"
    grep -q "^localhost:$SEC_PORT $(aci_path) auth=none" "$SEC/auth.log"
    run ! grep -q "^localhost:$SEC_PORT .* auth=good" "$SEC/auth.log"
    [ ! -e "$T/b" ]
}
