# Test registries for the registry suites: Debian's docker-registry on
# 127.0.0.1 at a free port (storage in a temp dir), a test PKI, a Bearer
# token issuer and a fault-injecting proxy, plus an OCI image builder.
# Load with: load ../lib/registry/registry
# Every server started here is recorded in $REG_PIDS_FILE and stopped by
# reg_stop_all (call it from teardown_file / teardown).

REG_LIB_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"

# reg_pids_file: where this test file's server PIDs are listed.
reg_pids_file() {
    echo "${REG_PIDS_FILE:-${BATS_FILE_TMPDIR:-/tmp}/registry-pids}"
}

reg_free_port() {
    python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

# reg_wait_http URL: wait (up to 15 s) until something answers HTTP at URL.
reg_wait_http() {
    local i
    for i in $(seq 1 150); do
        curl -sk -o /dev/null --max-time 1 "$1" && return 0
        sleep 0.1
    done
    echo "nothing answers at $1" >&2
    return 1
}

# reg_wait_file FILE: wait (up to 15 s) until FILE exists.
reg_wait_file() {
    local i
    for i in $(seq 1 150); do
        [ -s "$1" ] && return 0
        sleep 0.1
    done
    echo "$1 never appeared" >&2
    return 1
}

reg_track_pid() {
    echo "$1" >>"$(reg_pids_file)"
}

# reg_stop_all: stop every server this file started (by PID).
reg_stop_all() {
    local f pid
    f=$(reg_pids_file)
    [ -f "$f" ] || return 0
    while read -r pid; do
        kill "$pid" 2>/dev/null || true
    done <"$f"
    while read -r pid; do
        local i
        for i in $(seq 1 50); do
            kill -0 "$pid" 2>/dev/null || break
            sleep 0.1
        done
        kill -9 "$pid" 2>/dev/null || true
    done <"$f"
    rm -f "$f"
}

# reg_make_pki DIR: a test CA, a server certificate for 127.0.0.1 and
# localhost, a client certificate, and the token issuer's key and
# self-signed certificate.
reg_make_pki() {
    local d=$1
    mkdir -p "$d"
    (
        cd "$d" || exit 1
        openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 2 \
            -subj "/CN=imagetool test CA" 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout server.key -out server.csr -subj "/CN=127.0.0.1" 2>/dev/null
        printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n' >server.ext
        openssl x509 -req -in server.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out server.crt -days 2 \
            -extfile server.ext 2>/dev/null
        openssl req -newkey rsa:2048 -nodes -keyout client.key -out client.csr -subj "/CN=imagetool test client" 2>/dev/null
        printf 'basicConstraints=CA:FALSE\nextendedKeyUsage=clientAuth\n' >client.ext
        openssl x509 -req -in client.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out client.cert -days 2 \
            -extfile client.ext 2>/dev/null
        openssl req -x509 -newkey rsa:2048 -nodes -keyout token.key -out token.crt -days 2 \
            -subj "/CN=imagetool test token issuer" 2>/dev/null
    ) || return 1
    [ -s "$d/server.crt" ] && [ -s "$d/client.cert" ] && [ -s "$d/token.crt" ]
}

# reg_htpasswd FILE USER PASS: bcrypt htpasswd, as docker-registry wants it.
reg_htpasswd() {
    htpasswd -Bbn "$2" "$3" >>"$1" 2>/dev/null
}

# registry_start VAR STORAGE [--tls PKI] [--clientcas PKI] [--htpasswd FILE]
#                [--token REALM PKI]
# Starts docker-registry on a free port of 127.0.0.1 with its storage in
# STORAGE and sets VAR_PORT and VAR_PID (exported).
registry_start() {
    local var=$1 storage=$2
    shift 2
    local tls="" clientcas="" htpasswd="" realm="" tokenpki=""
    while [ $# -gt 0 ]; do
        case $1 in
            --tls) tls=$2; shift 2 ;;
            --clientcas) clientcas=$2; shift 2 ;;
            --htpasswd) htpasswd=$2; shift 2 ;;
            --token) realm=$2; tokenpki=$3; shift 3 ;;
            *) echo "registry_start: unknown option $1" >&2; return 1 ;;
        esac
    done
    local port conf
    port=$(reg_free_port)
    mkdir -p "$storage"
    conf="$storage.$port.yml"
    {
        printf 'version: 0.1\nlog:\n  level: error\n  accesslog:\n    disabled: true\n'
        printf 'storage:\n  filesystem:\n    rootdirectory: %s\n  delete:\n    enabled: true\n' "$storage"
        printf 'http:\n  addr: 127.0.0.1:%s\n' "$port"
        if [ -n "$tls" ]; then
            printf '  tls:\n    certificate: %s/server.crt\n    key: %s/server.key\n' "$tls" "$tls"
            [ -n "$clientcas" ] && printf '    clientcas:\n      - %s/ca.crt\n' "$clientcas"
        fi
        if [ -n "$htpasswd" ]; then
            printf 'auth:\n  htpasswd:\n    realm: imagetool-test\n    path: %s\n' "$htpasswd"
        elif [ -n "$realm" ]; then
            printf 'auth:\n  token:\n    realm: %s\n    service: test-registry\n    issuer: test-issuer\n    rootcertbundle: %s/token.crt\n' \
                "$realm" "$tokenpki"
        fi
    } >"$conf"
    docker-registry serve "$conf" >"$storage.$port.log" 2>&1 &
    local pid=$!
    reg_track_pid "$pid"
    local scheme=http
    [ -n "$tls" ] && scheme=https
    if [ -n "$clientcas" ]; then
        reg_wait_http_cert "https://127.0.0.1:$port/v2/" "$clientcas" || return 1
    else
        reg_wait_http "$scheme://127.0.0.1:$port/v2/" || { cat "$storage.$port.log" >&2; return 1; }
    fi
    export "${var}_PORT=$port" "${var}_PID=$pid"
}

reg_wait_http_cert() {
    local i
    for i in $(seq 1 150); do
        curl -sk -o /dev/null --max-time 1 --cert "$2/client.cert" --key "$2/client.key" "$1" && return 0
        sleep 0.1
    done
    return 1
}

# token_server_start VAR PKI LOG [token_server.py options]: sets VAR_PORT, VAR_PID.
token_server_start() {
    local var=$1 pki=$2 log=$3
    shift 3
    local portfile
    portfile=$(mktemp -u "${BATS_FILE_TMPDIR:-/tmp}/token-port.XXXXXX")
    python3 "$REG_LIB_DIR/token_server.py" --key "$pki/token.key" --cert "$pki/token.crt" \
        --port-file "$portfile" --log "$log" "$@" &
    local pid=$!
    reg_track_pid "$pid"
    reg_wait_file "$portfile" || return 1
    export "${var}_PORT=$(cat "$portfile")" "${var}_PID=$pid"
}

# fault_proxy_start VAR UPSTREAM_PORT LOG [fault_proxy.py options]: sets VAR_PORT, VAR_PID.
fault_proxy_start() {
    local var=$1 upstream=$2 log=$3
    shift 3
    local portfile
    portfile=$(mktemp -u "${BATS_TEST_TMPDIR:-/tmp}/proxy-port.XXXXXX")
    python3 "$REG_LIB_DIR/fault_proxy.py" --upstream "$upstream" --port-file "$portfile" --log "$log" "$@" &
    local pid=$!
    reg_track_pid "$pid"
    reg_wait_file "$portfile" || return 1
    export "${var}_PORT=$(cat "$portfile")" "${var}_PID=$pid"
}

# reg_stop PID: stop one server.
reg_stop() {
    kill "$1" 2>/dev/null || true
    local i
    for i in $(seq 1 50); do
        kill -0 "$1" 2>/dev/null || return 0
        sleep 0.1
    done
    kill -9 "$1" 2>/dev/null || true
}

# oci_image_build LAYOUT TAG SRC_DIR...: an OCI image layout holding one
# image (TAG) with one gzip layer per SRC_DIR, for this host's platform.
oci_image_build() {
    "$REG_LIB_DIR/oci_image_build.sh" "$@"
}

# reg_push LAYOUT:TAG HOSTPORT/NAME:TAG [skopeo options]: copy an image into a
# plain-http registry.
reg_push() {
    local src=$1 dst=$2
    shift 2
    skopeo --insecure-policy copy -q --dest-tls-verify=false "$@" "oci:$src" "docker://$dst" >/dev/null
}

# store_has_no_partial_blobs STORE: every file under blobs/ is a complete
# blob named by its own digest.
store_has_no_partial_blobs() {
    local store=$1 f hex
    [ -d "$store/blobs" ] || return 0
    while IFS= read -r f; do
        hex=${f##*/}
        if [[ $f != "$store/blobs/sha256/"* ]] || ! [[ $hex =~ ^[0-9a-f]{64}$ ]]; then
            echo "stray file in the store: $f" >&2
            return 1
        fi
        if [ "$(sha256sum <"$f" | cut -d' ' -f1)" != "$hex" ]; then
            echo "blob $f does not match its name" >&2
            return 1
        fi
    done < <(find "$store/blobs" -type f)
}
