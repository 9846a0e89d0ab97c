# A private containerd for the client suites (tests/integration/containerd.bats).
#
# containerd and its shims write under /run/containerd whatever the config
# says (shim sockets, the runtime's --root, ctr's fifos), so the daemon runs
# in a mount namespace of its own with a fresh tmpfs on /run; every ctr call
# enters that namespace. Root, state, sockets and config live in the suite's
# temporary directory; the daemon is stopped by its PID. Containers use a
# containerd namespace unique to the run, so their cgroups (/NS/ID) are the
# suite's own and removed at the end.

CTD_DIR=${CTD_DIR:-$BATS_FILE_TMPDIR/containerd}
CTD_NS=${CTD_NS:-rtsuite$$}
export CTD_NS
RUNC_BIN=$(command -v runc || true)
PTYRUN="$PROJECT_ROOT/tests/lib/pty-run.py"

# require_containerd: skip when containerd or ctr is not installed.
require_containerd() {
    command -v containerd >/dev/null && command -v ctr >/dev/null ||
        skip "containerd is not installed (deps/containerd.txt)"
}

# ctd_config FILE [EXTRA-TOML]: a config with private root, state and
# sockets; the CRI plugin is left out unless EXTRA-TOML is given (it then
# holds that plugin's section).
ctd_config() {
    local file=$1 extra=${2:-}
    mkdir -p "$CTD_DIR"
    {
        echo 'version = 2'
        echo "root = \"$CTD_DIR/root\""
        echo "state = \"$CTD_DIR/state\""
        [ -n "$extra" ] || echo 'disabled_plugins = ["io.containerd.grpc.v1.cri"]'
        echo '[grpc]'
        echo "  address = \"$CTD_DIR/ctd.sock\""
        echo '[ttrpc]'
        echo "  address = \"$CTD_DIR/ctd.sock.ttrpc\""
        echo '[debug]'
        echo '  address = ""'
        echo '[metrics]'
        echo '  address = ""'
        [ -z "$extra" ] || printf '%s\n' "$extra"
    } >"$file"
}

# ctd_start CONFIG [PRELUDE]: start containerd (CTD_PID) and wait until it
# answers; PRELUDE is a shell line run first in its mount namespace.
ctd_start() {
    rm -f "$CTD_DIR/ctd.sock"
    unshare -m --propagation private sh -c "${2:-:}"'; mount -t tmpfs -o mode=0755 tmpfs /run && exec containerd --config "$1"' \
        sh "$1" >"$CTD_DIR/containerd.log" 2>&1 3>&- &
    CTD_PID=$!
    export CTD_PID
    local i
    for i in $(seq 150); do
        if [ -S "$CTD_DIR/ctd.sock" ] && ctr_ version >/dev/null 2>&1; then
            return 0
        fi
        kill -0 "$CTD_PID" 2>/dev/null || break
        sleep 0.2
    done
    cat "$CTD_DIR/containerd.log" >&2
    return 1
}

# ctd_stop: remove every task and container of the suite's namespace, stop
# the daemon by its PID, and remove the namespace's cgroups.
ctd_stop() {
    [ -n "${CTD_PID:-}" ] || return 0
    ctd_clean
    kill "$CTD_PID" 2>/dev/null || true
    wait "$CTD_PID" 2>/dev/null || true
    CTD_PID=
    local d
    for d in /sys/fs/cgroup/*/"$CTD_NS" /sys/fs/cgroup/"$CTD_NS"; do
        [ -d "$d" ] && rmdir "$d" 2>/dev/null
    done
    return 0
}

# ctd_clean: kill and delete the namespace's tasks and containers.
ctd_clean() {
    local c
    for c in $(ctr_ containers ls -q 2>/dev/null); do
        ctr_ task kill -a -s KILL "$c" >/dev/null 2>&1 || true
    done
    for c in $(ctr_ containers ls -q 2>/dev/null); do
        ctr_ task delete -f "$c" >/dev/null 2>&1 || true
        ctr_ containers delete "$c" >/dev/null 2>&1 || true
    done
}

# ctr_ ARGS...: ctr against the suite's containerd, in its mount namespace.
ctr_() {
    nsenter -t "$CTD_PID" -m ctr --address "$CTD_DIR/ctd.sock" --namespace "$CTD_NS" "$@"
}

# ctd_exec CMD...: a command in containerd's mount namespace (where the
# runtime's state root /run/containerd/runc/NS lives).
ctd_exec() {
    nsenter -t "$CTD_PID" -m "$@"
}

# ctd_import_demo: build the demo image (tests/lib/make-demo-image.sh) as an
# OCI archive and import it as localhost/demo:demo.
ctd_import_demo() {
    local layout="$CTD_DIR/demo-image"
    "$PROJECT_ROOT/tests/lib/make-demo-image.sh" "$layout" demo >&2
    tar -C "$layout" -cf "$CTD_DIR/demo.tar" .
    ctr_ images import --base-name localhost/demo "$CTD_DIR/demo.tar" >&2
}

# task_pid ID: the host pid of a container's task ("" when it has none).
task_pid() {
    ctr_ task ls | awk -v id="$1" '$1 == id { print $2 }'
}

# task_status ID: RUNNING, PAUSED, STOPPED...
task_status() {
    ctr_ task ls | awk -v id="$1" '$1 == id { print $3 }'
}

# wait_status ID STATUS: until the task is in STATUS (10 s at most).
wait_status() {
    wait_until 100 prints "$2" task_status "$1" || fail "task $1 is $(task_status "$1"), not $2"
}

# shim_log ID: the runtime's JSON log the shim keeps in the bundle (for a
# failing test's output).
shim_log() {
    cat "$CTD_DIR/state/io.containerd.runtime.v2.task/$CTD_NS/$1/log.json" 2>/dev/null || true
}
