#!/usr/bin/env bats
# cgroup v2 on a real v2 kernel: Debian's kernel booted under qemu (TCG)
# with a busybox initramfs whose init mounts cgroup2 alone on
# /sys/fs/cgroup (tests/lib/qemu). Results come back over the serial console.
load ../lib/helpers

QEMU_DIR="$PROJECT_ROOT/tests/lib/qemu"

setup_file() {
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 is not installed"
    ls /boot/vmlinuz-* >/dev/null 2>&1 || skip "no kernel in /boot (linux-image-amd64)"
    [ "$(id -u)" = 0 ] || skip "needs root"
}

# The unit test binary, built when `make bats` did not build it.
unit_binary() {
    local bin="$BUILD_DIR/tests/runtime_cgroup"
    if [ ! -x "$bin" ]; then
        make -C "$PROJECT_ROOT" -s SANITIZE="${SANITIZE:-}" "${bin#"$PROJECT_ROOT"/}" >&2 || return 1
    fi
    echo "$bin"
}

@test "cgroup v2: the driver passes its unit test inside a v2-only VM" {
    bin=$(unit_binary)
    printf '%s\n' "$bin" >"$BATS_TEST_TMPDIR/payload"
    run "$QEMU_DIR/run-vm" --timeout 180 --copy "$bin" "$BATS_TEST_TMPDIR/payload"
    echo "$output"
    [ "$status" = 0 ]
    echo "$output" | grep -qx '# cgroup mode: v2'
    ! echo "$output" | grep -q '^not ok'
    # The v2-specific checks ran and passed.
    echo "$output" | grep -q '^ok .* v2 memory.max$'
    echo "$output" | grep -q '^ok .* v2 memory.swap.max$'
    echo "$output" | grep -q '^ok .* v2 cpu.weight$'
    echo "$output" | grep -q '^ok .* v2 cpu.max$'
    echo "$output" | grep -q '^ok .* unified pids.max verbatim$'
    echo "$output" | grep -q '^ok .* no directory left after destroy$'
    # Device rules enforced by the eBPF filter.
    echo "$output" | grep -q '^ok .* /dev/kmsg read only (bits 7)$'
}
