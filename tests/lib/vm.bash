# The v2-only VM of tests/lib/qemu: Debian's kernel booted under qemu (TCG)
# on a busybox initramfs whose init mounts cgroup2 alone on /sys/fs/cgroup.
# A payload (a shell script run as root in the VM) reports "R: key=value"
# lines on the serial console. Load after helpers.

QEMU_DIR="$PROJECT_ROOT/tests/lib/qemu"

# require_vm: skip unless qemu and a kernel to boot are installed.
require_vm() {
    command -v qemu-system-x86_64 >/dev/null || skip "qemu-system-x86 is not installed"
    ls /boot/vmlinuz-* >/dev/null 2>&1 || skip "no kernel in /boot (linux-image-amd64)"
}

# vm_run [--timeout SECS] [--copy PATH]... PAYLOAD: run-vm with these
# arguments; the console is in $output (and in the test's log), and the
# payload exited 0.
vm_run() {
    run "$QEMU_DIR/run-vm" "$@"
    echo "$output"
    [ "$status" = 0 ]
}

# vm_dlopened LIB...: the paths of shared libraries a program loads at run
# time (ldd cannot see them), for --copy: imagetool's libarchive.so.13.
vm_dlopened() {
    local lib
    for lib in "$@"; do
        ldconfig -p | awk -v l="$lib" '$1 == l && /x86-64/ {print $NF; exit}'
    done
}

# vm_result KEY: the value of the payload's "R: KEY=value" line in $output.
vm_result() {
    echo "$output" | sed -n "s/^R: $1=//p" | tr -d '\r'
}

# vm_modules NAME...: the paths of the VM kernel's modules NAME.ko, for
# --copy and insmod in the payload (the initramfs has no modprobe).
vm_modules() {
    local kver m
    kver=$(basename "$(ls /boot/vmlinuz-* | sort -V | tail -n1)")
    kver=${kver#vmlinuz-}
    for m in "$@"; do
        find "/lib/modules/$kver/kernel" -name "$m.ko" | head -1
    done
}

# vm_unpack_payload IMG PAYLOAD: the start of a payload that unpacks the OCI
# layout IMG with imagetool's backends in the VM: IT and IMG set, the
# modules the layer-image and overlay backends need loaded (erofs needs
# crc32c), "R: kernel=" told; skips when the VM kernel lacks one. Sets
# VM_UNPACK_COPIES: the --copy arguments for vm_run (imagetool, the
# libraries it loads at run time, IMG, the modules).
vm_unpack_payload() {
    local img=$1 payload=$2 mods m
    mods=$(vm_modules crc32c_generic libcrc32c erofs squashfs loop overlay)
    [ "$(grep -c '\.ko$' <<<"$mods")" = 6 ] || skip "the VM kernel lacks a module: $mods"
    VM_UNPACK_COPIES=(--copy "$IMAGETOOL" --copy "$img")
    for m in $mods; do VM_UNPACK_COPIES+=(--copy "$m"); done
    for m in libarchive.so.13 libisal.so.2 libsquashfs.so.1; do VM_UNPACK_COPIES+=(--copy "$(vm_dlopened "$m")"); done
    {
        printf 'IT=%s IMG=%s\n' "$IMAGETOOL" "$img"
        printf 'for m in %s; do insmod $m || echo "R: insmod-failed=$m"; done\n' "$(echo $mods)"
        echo 'echo "R: kernel=$(uname -r)"'
    } >"$payload"
}

# vm_is_debian12_kernel: the VM booted a 6.1 kernel and loaded the modules
# (else skip: the test is about that kernel).
vm_is_debian12_kernel() {
    [[ "$(vm_result kernel)" == 6.1.* ]] || skip "the VM kernel is $(vm_result kernel), not 6.1"
    [ -z "$(vm_result insmod-failed)" ] || fail "insmod failed: $(vm_result insmod-failed)"
}
