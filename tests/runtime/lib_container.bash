# One busybox container per test, for the suites that look at what a process
# sees inside (mounts, devices, masked paths, sysctl, capabilities, seccomp).

# `run !` and `run -N` need bats 1.5 (Debian 12 has 1.8).
bats_require_minimum_version 1.5.0

load ../lib/helpers

# BUNDLE (a busybox bundle from `runtime spec`), STATE and ID for this test.
container_setup() {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    STATE="$BATS_TEST_TMPDIR/state"
    ID=$(unique_id)
    make_bundle "$BUNDLE"
}

container_teardown() {
    "$RUNTIME" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

# in_container 'shell command': run it with sh -c in a container of the
# bundle; bats' $status and $output hold the result.
in_container() {
    config_edit "$BUNDLE" ".process.args = [\"sh\", \"-c\", $(printf '%s' "$1" | jq -Rs .)]"
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
}
