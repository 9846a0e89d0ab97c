# Helpers of the runtime core suites (cli, lifecycle, process, namespaces,
# userns). Every test gets a private state root and bundle; teardown removes
# whatever containers the test left.

# `run !` and `run -N` need bats 1.5 (Debian 12 has 1.8).
bats_require_minimum_version 1.5.0

load ../lib/helpers

core_setup() {
    ROOT="$BATS_TEST_TMPDIR/state"
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    ID=$(unique_id)
}

core_teardown() {
    local id
    for id in $("$RUNTIME" --root "$ROOT" list -q 2>/dev/null); do
        "$RUNTIME" --root "$ROOT" delete --force "$id" || true
    done
}

# rt ARGS...: the runtime with this test's state root.
rt() {
    "$RUNTIME" --root "$ROOT" "$@"
}

# bundle ARGS...: make $BUNDLE running ARGS.
bundle() {
    make_bundle "$BUNDLE" "$@"
}

# Status of a container from `state`.
status_of() {
    rt state "$1" | jq -r .status
}

# Host pid of a container's init.
pid_of() {
    rt state "$1" | jq -r .pid
}

# Wait (up to 5 s) until container $1 has status $2.
wait_status() {
    wait_until 50 prints "$2" status_of "$1" || fail "container $1 is $(status_of "$1"), not $2"
}

# rt_stdout ARGS...: like rt, with the runtime's own stderr (warnings) kept
# out of bats' $output, so that $output is the container's stdout.
rt_stdout() {
    "$RUNTIME" --root "$ROOT" "$@" 2>>"$BATS_TEST_TMPDIR/stderr"
}
