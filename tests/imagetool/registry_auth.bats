#!/usr/bin/env bats
# Registry authentication and TLS against real servers: docker-registry
# over HTTPS with a test CA and htpasswd Basic auth, with client
# certificates, and with Bearer tokens from a small token issuer; the
# places credentials come from; Authorization never follows a redirect to
# another host.

load ../lib/helpers
load ../lib/registry/registry

setup_file() {
    export REG_PIDS_FILE="$BATS_FILE_TMPDIR/pids"
    export PKI="$BATS_FILE_TMPDIR/pki"
    reg_make_pki "$PKI"
    local src="$BATS_FILE_TMPDIR/src"
    mkdir -p "$src/l1/bin"
    cp "$BUSYBOX" "$src/l1/bin/busybox"
    export IMG_DIGEST STORAGE="$BATS_FILE_TMPDIR/storage"
    IMG_DIGEST=$(oci_image_build "$BATS_FILE_TMPDIR/img" latest "$src/l1")
    # Fill the storage through a plain registry; the others serve the same storage.
    registry_start PLAIN "$STORAGE"
    reg_push "$BATS_FILE_TMPDIR/img:latest" "127.0.0.1:$PLAIN_PORT/auth/bb:latest"
    export HTPASSWD="$BATS_FILE_TMPDIR/htpasswd"
    reg_htpasswd "$HTPASSWD" alice 's3cret!'
    registry_start TLS "$STORAGE" --tls "$PKI" --htpasswd "$HTPASSWD"
    export TLS="127.0.0.1:$TLS_PORT"
}

teardown_file() {
    reg_stop_all
}

setup() {
    STORE="$BATS_TEST_TMPDIR/store"
    REG_PIDS_FILE="$BATS_TEST_TMPDIR/pids"
    CERTS="$BATS_TEST_TMPDIR/certs.d"
    export IMAGETOOL_CERTS_DIRS="$CERTS"
    # no auth file of the machine's user may leak in
    export HOME="$BATS_TEST_TMPDIR/home" XDG_RUNTIME_DIR="$BATS_TEST_TMPDIR/run" XDG_CONFIG_HOME=
    unset REGISTRY_AUTH_FILE
    mkdir -p "$HOME" "$XDG_RUNTIME_DIR"
}

teardown() {
    reg_stop_all
    [ -z "${ETC_CERTS_DIR:-}" ] || rm -rf "$ETC_CERTS_DIR"
    [ -z "${ETC_CERTS_PARENT_MADE:-}" ] || rmdir /etc/docker/certs.d 2>/dev/null || true
}

trust_ca() { # trust_ca HOSTPORT
    mkdir -p "$CERTS/$1"
    cp "$PKI/ca.crt" "$CERTS/$1/ca.crt"
}

pulled_ok() {
    [ "$status" -eq 0 ] || fail "pull failed ($status): $output"
    [ -f "$STORE/blobs/sha256/${IMG_DIGEST#sha256:}" ]
    store_has_no_partial_blobs "$STORE"
}

authjson() { # authjson FILE HOSTKEY USER PASS
    mkdir -p "$(dirname "$1")"
    jq -n --arg k "$2" --arg a "$(printf '%s:%s' "$3" "$4" | base64 -w0)" '{auths: {($k): {auth: $a}}}' >"$1"
}

@test "auth: HTTPS with a CA the system does not know fails clearly, without falling back to http" {
    run "$IMAGETOOL" --store "$STORE" pull --creds 'alice:s3cret!' "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 6 ]
    [[ $output == *"certificate"* ]]
    [[ $output == *"certs.d/$TLS/ca.crt"* ]]
}

@test "auth: HTTPS with the CA in certs.d and Basic credentials from --creds" {
    trust_ca "$TLS"
    run "$IMAGETOOL" --store "$STORE" pull --creds 'alice:s3cret!' "docker://$TLS/auth/bb:latest"
    pulled_ok
}

@test "auth: the CA in /etc/docker/certs.d/HOST:PORT is trusted by default" {
    unset IMAGETOOL_CERTS_DIRS
    ETC_CERTS_DIR="/etc/docker/certs.d/$TLS"
    [ ! -e "$ETC_CERTS_DIR" ] || skip "$ETC_CERTS_DIR exists already"
    [ -d /etc/docker/certs.d ] || ETC_CERTS_PARENT_MADE=1
    mkdir -p "$ETC_CERTS_DIR"
    cp "$PKI/ca.crt" "$ETC_CERTS_DIR/ca.crt"
    run "$IMAGETOOL" --store "$STORE" pull --creds 'alice:s3cret!' "docker://$TLS/auth/bb:latest"
    pulled_ok
}

@test "auth: --tls-verify=false skips the certificate check only when asked" {
    run "$IMAGETOOL" --store "$STORE" pull --tls-verify=false --creds 'alice:s3cret!' "docker://$TLS/auth/bb:latest"
    pulled_ok
}

@test "auth: Basic without credentials or with a wrong password is refused (exit 5)" {
    trust_ca "$TLS"
    run "$IMAGETOOL" --store "$STORE" pull "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 5 ]
    [[ $output == *"401"*"no credentials given"* ]]
    run "$IMAGETOOL" --store "$STORE" pull --creds alice:wrong "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 5 ]
    [[ $output == *"credentials of user 'alice'"* ]]
    run "$IMAGETOOL" --store "$STORE" pull --creds nocolon "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 2 ]
    [ ! -f "$STORE/index.json" ] || [ "$(jq '.manifests | length' "$STORE/index.json")" -eq 0 ]
}

@test "auth: credentials from --authfile and from \$REGISTRY_AUTH_FILE" {
    trust_ca "$TLS"
    authjson "$BATS_TEST_TMPDIR/auth.json" "$TLS" alice 's3cret!'
    run "$IMAGETOOL" --store "$STORE" pull --authfile "$BATS_TEST_TMPDIR/auth.json" "docker://$TLS/auth/bb:latest"
    pulled_ok
    rm -rf "$STORE"
    REGISTRY_AUTH_FILE="$BATS_TEST_TMPDIR/auth.json" run "$IMAGETOOL" --store "$STORE" pull "docker://$TLS/auth/bb:latest"
    pulled_ok
    run "$IMAGETOOL" --store "$STORE" pull --authfile "$BATS_TEST_TMPDIR/nosuch.json" "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 4 ]
    [[ $output == *"nosuch.json"* ]]
    # --authfile is used alone: the good entry in ~/.docker/config.json is not consulted
    authjson "$HOME/.docker/config.json" "$TLS" alice 's3cret!'
    authjson "$BATS_TEST_TMPDIR/other.json" "127.0.0.1:1" alice 's3cret!'
    run "$IMAGETOOL" --store "$STORE" pull --authfile "$BATS_TEST_TMPDIR/other.json" "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 5 ]
}

@test "auth: credentials from ~/.docker/config.json (https:// key) and containers' auth.json" {
    trust_ca "$TLS"
    authjson "$HOME/.docker/config.json" "https://$TLS" alice 's3cret!'
    run "$IMAGETOOL" --store "$STORE" pull "docker://$TLS/auth/bb:latest"
    pulled_ok
    rm -rf "$STORE" "$HOME/.docker"
    authjson "$XDG_RUNTIME_DIR/containers/auth.json" "$TLS/auth" alice 's3cret!'
    run "$IMAGETOOL" --store "$STORE" pull "docker://$TLS/auth/bb:latest"
    pulled_ok
    # an entry for another registry is not used
    authjson "$XDG_RUNTIME_DIR/containers/auth.json" "127.0.0.1:1" alice 's3cret!'
    run "$IMAGETOOL" --store "$STORE" pull "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 5 ]
}

@test "auth: a malformed auth file is an error naming it" {
    trust_ca "$TLS"
    mkdir -p "$HOME/.docker"
    echo '{"auths": {"'"$TLS"'": {"auth": "***"}}}' >"$HOME/.docker/config.json"
    run "$IMAGETOOL" --store "$STORE" pull "docker://$TLS/auth/bb:latest"
    [ "$status" -eq 3 ]
    [[ $output == *".docker/config.json"*"base64"* ]]
}

@test "auth: client certificates from certs.d (client.cert, client.key)" {
    registry_start MTLS "$STORAGE" --tls "$PKI" --clientcas "$PKI"
    local host="127.0.0.1:$MTLS_PORT"
    trust_ca "$host"
    run "$IMAGETOOL" --store "$STORE" pull "docker://$host/auth/bb:latest"
    [ "$status" -eq 6 ]
    cp "$PKI/client.cert" "$PKI/client.key" "$CERTS/$host/"
    run "$IMAGETOOL" --store "$STORE" pull "docker://$host/auth/bb:latest"
    pulled_ok
}

@test "auth: Bearer tokens: one anonymous token serves the whole pull" {
    token_server_start TOK "$PKI" "$BATS_TEST_TMPDIR/tokens.log" --anonymous
    registry_start TR "$STORAGE" --token "http://127.0.0.1:$TOK_PORT/token" "$PKI"
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$TR_PORT/auth/bb:latest"
    pulled_ok
    [ "$(wc -l <"$BATS_TEST_TMPDIR/tokens.log")" -eq 1 ]
    grep -q "service=test-registry scope=repository:auth/bb:pull user=anonymous" "$BATS_TEST_TMPDIR/tokens.log"
}

@test "auth: Bearer tokens with credentials; refused credentials are exit 5" {
    token_server_start TOK "$PKI" "$BATS_TEST_TMPDIR/tokens.log" --creds 'alice:s3cret!'
    registry_start TR "$STORAGE" --token "http://127.0.0.1:$TOK_PORT/token" "$PKI"
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$TR_PORT/auth/bb:latest"
    [ "$status" -eq 5 ]
    [[ $output == *"token"*"401"* ]]
    run "$IMAGETOOL" --store "$STORE" pull --creds alice:bad "docker://127.0.0.1:$TR_PORT/auth/bb:latest"
    [ "$status" -eq 5 ]
    run "$IMAGETOOL" --store "$STORE" pull --creds 'alice:s3cret!' "docker://127.0.0.1:$TR_PORT/auth/bb:latest"
    pulled_ok
    grep -q "user=alice" "$BATS_TEST_TMPDIR/tokens.log"
}

@test "auth: a token the registry refuses is renewed once and the pull goes on" {
    token_server_start TOK "$PKI" "$BATS_TEST_TMPDIR/tokens.log" --anonymous --expired-first 1
    registry_start TR "$STORAGE" --token "http://127.0.0.1:$TOK_PORT/token" "$PKI"
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$TR_PORT/auth/bb:latest"
    pulled_ok
    [ "$(wc -l <"$BATS_TEST_TMPDIR/tokens.log")" -eq 2 ]
}

@test "auth: every token expired: a clear 401, not a loop" {
    token_server_start TOK "$PKI" "$BATS_TEST_TMPDIR/tokens.log" --anonymous --expired-first 100
    registry_start TR "$STORAGE" --token "http://127.0.0.1:$TOK_PORT/token" "$PKI"
    run "$IMAGETOOL" --store "$STORE" pull "docker://127.0.0.1:$TR_PORT/auth/bb:latest"
    [ "$status" -eq 5 ]
    [[ $output == *"401"* ]]
    [ "$(wc -l <"$BATS_TEST_TMPDIR/tokens.log")" -eq 2 ]
}

@test "auth: Authorization is not sent along a redirect to another host" {
    fault_proxy_start PX "$PLAIN_PORT" "$BATS_TEST_TMPDIR/proxy.log" --mode redirect-host --basic 'alice:s3cret!'
    run "$IMAGETOOL" --store "$STORE" pull --creds 'alice:s3cret!' "docker://127.0.0.1:$PX_PORT/auth/bb:latest"
    pulled_ok
    local log="$BATS_TEST_TMPDIR/proxy.log"
    grep -q "^main GET /v2/auth/bb/blobs/.* auth=yes" "$log" || fail "no authorised blob request: $(cat "$log")"
    grep -q "^side GET /side/v2/auth/bb/blobs/" "$log" || fail "no redirected request: $(cat "$log")"
    ! grep -q "^side .* auth=yes" "$log" || fail "Authorization went to the other host: $(cat "$log")"
}
