#!/usr/bin/env bats
# End to end with Appc images: imagetool unpack aci:FILE (and appc:NAME by
# discovery from a local server) then runtime run. The container shows the
# image's /etc/issue, ps with its app as PID 1, and the memory limit its
# resource/memory isolator set (the Mesos demo's checks).

load ../lib/helpers
load ../lib/aci

setup() {
    STATE="$BATS_TEST_TMPDIR/state"
    T="$BATS_TEST_TMPDIR"
    S="$T/store"
}

teardown() {
    unmount_test_bundles
    if [ -f "$T/server.pid" ]; then kill "$(cat "$T/server.pid")" || true; fi
}

report='cat /etc/issue; ps; echo "--- memory limit"; cat /sys/fs/cgroup/memory/memory.limit_in_bytes 2>/dev/null || cat /sys/fs/cgroup/memory.max'

# demo_aci OUT NAME: the demo's checks as the app, with a 200Mi memory isolator
demo_aci() {
    busybox_aci "$1" "$2" ".app.exec = [\"/bin/sh\", \"-c\", $(jq -Rn --arg r "$report" '$r')] |
        .app.isolators = [{name: \"resource/memory\", value: {request: \"100Mi\", limit: \"200Mi\"}}]"
}

check_report() {
    [[ "$output" == *"Welcome to $1"* ]] || fail "issue: $output"
    echo "$output" | grep -Eq '^ +1 root +.*/bin/sh -c cat /etc/issue' || fail "PID 1: $output"
    echo "$output" | grep -qx 209715200 || fail "memory: $output"
}

@test "e2e appc: aci:FILE unpacks and runs: its /etc/issue, its app as PID 1, the isolator's memory limit" {
    demo_aci "$T/demo.aci" example.com/demo
    "$IMAGETOOL" --store "$S" unpack -q "aci:$T/demo.aci" "$T/b"
    run "$RUNTIME" --root "$STATE" run -b "$T/b" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "$output"
    check_report example.com/demo
}

@test "e2e appc: an ACI with a dependency runs on the overlay backend" {
    mkdir -p "$T/d"
    busybox_aci "$T/d/base.aci" example.com/base
    files_aci "$T/d/app.aci" "$(aci_app_manifest example.com/app \
        '.dependencies = [{imageName: "example.com/base"}] | .app.exec = ["/bin/sh", "-c", "cat /etc/issue /etc/app.conf; echo pid=$$"]')" \
        etc/issue="Welcome to the app" etc/app.conf=configured
    "$IMAGETOOL" --store "$S" unpack -q --backend overlay "aci:$T/d/app.aci" "$T/b"
    run "$RUNTIME" --root "$STATE" run -b "$T/b" "$(unique_id)"
    "$IMAGETOOL" rm-bundle "$T/b"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"Welcome to the app"*"configured"*"pid=1"* ]]
}

@test "e2e appc: appc:NAME by meta discovery from a local server unpacks and runs" {
    mkdir -p "$T/srv/images/127.0.0.1"
    python3 "$PROJECT_ROOT/tests/lib/appc-server.py" "$T/srv" "$T/port" >/dev/null 2>&1 3>&- &
    echo $! >"$T/server.pid"
    local i
    for i in $(seq 50); do [ -f "$T/port" ] && break; sleep 0.1; done
    local port
    port=$(cat "$T/port")
    echo "<meta name=\"ac-discovery\" content=\"127.0.0.1 http://127.0.0.1:$port/images/{name}-{version}-{os}-{arch}.{ext}\">" \
        >"$T/srv/ac-discovery.html"
    demo_aci "$T/srv/images/127.0.0.1/demo-1.0-linux-$(aci_arch).aci" 127.0.0.1/demo
    "$IMAGETOOL" --store "$S" unpack -q --appc-port "$port" appc:127.0.0.1/demo:1.0 "$T/b"
    run "$RUNTIME" --root "$STATE" run -b "$T/b" "$(unique_id)"
    [ "$status" -eq 0 ] || fail "$output"
    check_report 127.0.0.1/demo
}
