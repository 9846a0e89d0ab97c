#!/usr/bin/env bats
# Known container escapes, each replayed against real containers. Every test
# here fails if its guard is taken away (see specs/security.md).

load lib_container

setup() {
    container_setup
    IDS=("$ID")
}

teardown() {
    for id in "${IDS[@]}"; do
        "${RT:-$RUNTIME}" --root "$STATE" delete --force "$id" >/dev/null 2>&1 || true
    done
}

# wait_for FILE [TENTHS]: until FILE exists (default 10 s).
wait_for() {
    for _ in $(seq "${2:-100}"); do
        [ -e "$1" ] && return 0
        sleep 0.1
    done
    return 1
}

# The attacker of CVE-2019-5736: in a container whose pid namespace another
# container's init will join, find a process whose exe is not busybox (the
# runtime's init before exec), hold its exe open, and once that init has
# exec'd (or died) reopen the held file for writing and overwrite it.
ATTACK='
echo ready >/out/ready
while :; do
    for p in /proc/[0-9]*; do
        exe=$(readlink "$p/exe" 2>/dev/null) || continue
        case "$exe" in */busybox) continue ;; esac
        exec 3<"$p/exe" || continue
        echo "$exe" >/out/got-fd
        break 2
    done
done
while [ ! -e /out/go ]; do sleep 0.1; done
i=0
while [ $i -lt 50 ]; do
    if echo PWNED >/proc/self/fd/3 2>/out/write-error; then
        echo wrote >/out/result
        exit 0
    fi
    i=$((i + 1))
    sleep 0.1
done
echo refused >/out/result
'

@test "CVE-2019-5736: a container process cannot overwrite the host's runtime binary through /proc/PID/exe" {
    # Attack a copy, so a regression cannot break the build under test.
    RT="$BATS_TEST_TMPDIR/runtime"
    cp "$RUNTIME" "$RT"
    before=$(sha256sum <"$RT")
    out="$BATS_TEST_TMPDIR/out"
    mkdir -p "$out"
    # CAP_SYS_PTRACE: without it the victim's init, not dumpable until
    # exec, cannot be opened at all (escapes2.bats); with it, the sealed
    # copy is what stands between the attacker and the host's binary.
    config_edit "$BUNDLE" ".process.args = [\"sh\", \"-c\", $(printf '%s' "$ATTACK" | jq -Rs .)] |
        .process.capabilities |= with_entries(.value += [\"CAP_SYS_PTRACE\"]) |
        .mounts += [{destination: \"/out\", type: \"bind\", source: \"$out\", options: [\"rbind\", \"rw\"]}]"
    "$RT" --root "$STATE" create -b "$BUNDLE" "$ID"
    "$RT" --root "$STATE" start "$ID"
    wait_for "$out/ready"
    attacker=$("$RT" --root "$STATE" state "$ID" | jq .pid)

    # The victim: a container joining the attacker's pid namespace; its init
    # (the runtime binary until exec) waits in create, visible to the attacker.
    victim="$BATS_TEST_TMPDIR/victim"
    make_bundle "$victim" true
    config_edit "$victim" "(.linux.namespaces[] | select(.type == \"pid\")) .path = \"/proc/$attacker/ns/pid\""
    VID=$(unique_id)v
    IDS+=("$VID")
    # LeakSanitizer's exit-time tracer is cloned into the joined pid
    # namespace and never gets going: no leak check for this one create.
    ASAN_OPTIONS=${SANITIZE:+detect_leaks=0} "$RT" --root "$STATE" create -b "$victim" "$VID"
    wait_for "$out/got-fd" || fail "the attacker never got hold of the victim's init (test set-up broken)"
    "$RT" --root "$STATE" start "$VID"
    "$RT" --root "$STATE" delete --force "$VID" >/dev/null 2>&1 || true
    touch "$out/go"
    wait_for "$out/result" 100 || fail "the attacker did not finish"
    echo "held: $(cat "$out/got-fd"); result: $(cat "$out/result"); $(cat "$out/write-error" 2>/dev/null)"
    [ "$(sha256sum <"$RT")" = "$before" ]
    [ "$(cat "$out/result")" = refused ]
    # What it held was the sealed copy, not the file on the host.
    [[ "$(cat "$out/got-fd")" == /memfd:* ]]
}

@test "CVE-2019-5736: the runtime runs from a sealed copy of itself" {
    config_edit "$BUNDLE" '.process.args = ["true"]'
    "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    pid=$("$RUNTIME" --root "$STATE" state "$ID" | jq .pid)
    # The init waiting in create is the runtime: its exe is a memfd, unwritable.
    [[ "$(readlink /proc/$pid/exe)" == /memfd:* ]]
    run sh -c "echo x >>/proc/$pid/exe"
    [ "$status" -ne 0 ]
}

@test "CVE-2019-5736: a seal the kernel refuses for a while (EBUSY) is retried; refused for good, nothing runs" {
    [ -z "$SANITIZE" ] || skip "an LD_PRELOAD shim cannot be loaded before ASan's runtime"
    shim=$BATS_TEST_TMPDIR/seal-busy.so
    cc -shared -fPIC -O2 -o "$shim" "$PROJECT_ROOT/tests/lib/seal-busy.c" -ldl
    config_edit "$BUNDLE" '.process.args = ["echo", "ran"]'
    run env LD_PRELOAD="$shim" SEAL_BUSY_COUNT=2 "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ] || fail "status $status: $output"
    [[ "${lines[-1]}" == ran ]] || fail "$output"
    run env LD_PRELOAD="$shim" SEAL_BUSY_COUNT=1000 "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -ne 0 ] || fail "ran unsealed: $output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
    [[ $output == *"sealed copy"*"Device or resource busy"* ]] || fail "$output"
    [ -z "$(ls -A "$STATE" 2>/dev/null)" ]
}

# fd_list PID: the fds a process holds, read from the host.
fd_list() {
    echo $(ls /proc/"$1"/fd | sort -n)
}

@test "CVE-2024-21626: no fd of the runtime or of its caller reaches the container's process" {
    mkdir -p "$BATS_TEST_TMPDIR/hostdir"
    config_edit "$BUNDLE" '.process.args = ["sleep", "30"]'
    "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID" \
        5<"$BATS_TEST_TMPDIR/hostdir" 7>"$BATS_TEST_TMPDIR/hostfile" 9</ </dev/null >/dev/null 2>&1
    pid=$("$RUNTIME" --root "$STATE" state "$ID" | jq .pid)
    "$RUNTIME" --root "$STATE" start "$ID"
    for _ in $(seq 50); do
        [[ "$(readlink /proc/$pid/exe)" == */busybox ]] && break
        sleep 0.1
    done
    [[ "$(readlink /proc/$pid/exe)" == */busybox ]]
    [ "$(fd_list "$pid")" = "0 1 2" ]
}

@test "CVE-2024-21626: run passes on no fd either" {
    config_edit "$BUNDLE" '.process.args = ["ls", "/proc/self/fd"]'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID" 5<"$BATS_TEST_TMPDIR" 7>"$BATS_TEST_TMPDIR/hostfile" 9</
    [ "$status" -eq 0 ]
    # 0, 1, 2 and 3, the directory ls itself opened to list them
    [ "$(echo $output)" = "0 1 2 3" ]
}

@test "CVE-2024-21626: a cwd reached through a leaked host directory fd is refused" {
    hostdir="$BATS_TEST_TMPDIR/hostdir"
    mkdir -p "$hostdir"
    config_edit "$BUNDLE" '.root.readonly = false | .process.cwd = "/proc/self/fd/5" |
        .process.args = ["sh", "-c", "touch escaped; pwd"]'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID" 5<"$hostdir"
    [ "$status" -eq 5 ]
    # refused before anything runs (escapes2.bats has the /proc/*/fd cases)
    [[ "$output" == *"process.cwd: /proc/self/fd/5 goes through a process's fds in /proc: refused"* ]]
    [ ! -e "$hostdir/escaped" ]
    [ ! -e "$STATE/$ID" ]
}

# /proc/kcore and /proc/sysrq-trigger exist only on kernels built with them;
# the masked and read-only paths below exist on any kernel.
@test "masked /proc and /sys paths cannot be unmasked without CAP_SYS_ADMIN" {
    in_container '
        umount /proc/keys && echo UNMASKED-keys
        umount /proc/timer_list && echo UNMASKED-timer_list
        umount /sys/firmware && echo UNMASKED-firmware
        umount /proc/acpi && echo UNMASKED-acpi
        [ -e /proc/kcore ] && umount /proc/kcore && echo UNMASKED-kcore
        mount -t proc proc /mnt && echo MOUNTED-proc
        mount -t sysfs sysfs /mnt && echo MOUNTED-sysfs
        mount -o remount,rw /proc/sys && echo REMOUNTED-sys
        echo "keys bytes: $(wc -c </proc/keys)"
        echo "firmware entries: $(ls -A /sys/firmware | wc -l)"'
    [ "$status" -eq 0 ]
    [[ "$output" != *UNMASKED* ]]
    [[ "$output" != *MOUNTED* ]]
    [[ "$output" == *"keys bytes: 0"* ]]
    [[ "$output" == *"firmware entries: 0"* ]]
}

@test "the unmask test can fail: with CAP_SYS_ADMIN the same umount succeeds" {
    config_edit "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_SYS_ADMIN"])'
    in_container 'umount /proc/keys && echo UNMASKED-keys'
    [[ "$output" == *UNMASKED-keys* ]]
}

@test "/proc/sysrq-trigger, /proc/sys and /proc/irq cannot be written" {
    # Opening without writing a byte: harmless even if the guard were gone.
    in_container '[ -e /proc/sysrq-trigger ] && (: >/proc/sysrq-trigger) && echo OPENED-sysrq
        (: >/proc/sys/kernel/hostname) && echo OPENED-sys
        (: >/proc/irq/default_smp_affinity) && echo OPENED-irq
        true'
    [ "$status" -eq 0 ]
    [[ "$output" != *OPENED* ]]
    [[ "$output" == *"Read-only file system"* ]]
}
