#!/usr/bin/env bats
# linux.maskedPaths and linux.readonlyPaths as a process inside sees them.

load lib_container

setup() {
    container_setup
}

teardown() {
    container_teardown
}

@test "masked /proc files read empty (/proc/keys, /proc/timer_list, /proc/kcore)" {
    [ -s /proc/keys ] || [ -e /proc/timer_list ] || skip "host has neither /proc/keys nor /proc/timer_list"
    in_container 'for f in /proc/keys /proc/timer_list /proc/kcore; do
        [ -e $f ] && echo "$f:$(wc -c < $f)"; done; echo done'
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output == *"/proc/keys:0"* ]]
    [[ $output == *"/proc/timer_list:0"* ]]
    if [ -e /proc/kcore ]; then [[ $output == *"/proc/kcore:0"* ]]; fi
}

@test "masked directories are empty read-only tmpfs (/proc/acpi, /sys/firmware)" {
    [ -n "$(ls -A /sys/firmware)" ] || skip "host /sys/firmware is empty"
    in_container 'ls -A /sys/firmware | wc -l; grep -E " /(proc/acpi|sys/firmware) " /proc/self/mountinfo; touch /sys/firmware/x'
    [ "$status" -ne 0 ]
    [ "${lines[0]}" = 0 ]
    [[ $output == *" /proc/acpi ro,"*"- tmpfs tmpfs ro"* ]]
    [[ $output == *" /sys/firmware ro,"*"- tmpfs tmpfs ro"* ]]
    [[ $output == *"Read-only file system"* ]]
}

@test "read-only /proc paths: /proc/sys cannot be written even by root inside" {
    in_container 'grep -E " /proc/(sys|bus|fs|irq) " /proc/self/mountinfo; echo x > /proc/sys/kernel/domainname'
    [ "$status" -ne 0 ]
    [ "$(grep -c ' ro,' <<<"$output")" -eq 4 ]
    [[ $output == *"Read-only file system"* ]]
}

@test "/proc/sysrq-trigger cannot be written" {
    [ -e /proc/sysrq-trigger ] || skip "this kernel has no /proc/sysrq-trigger"
    in_container 'echo h > /proc/sysrq-trigger'
    [ "$status" -ne 0 ]
    [[ $output == *"Read-only file system"* ]]
}

@test "masks and read-only paths cannot be undone without CAP_SYS_ADMIN" {
    in_container 'grep CapEff /proc/self/status'
    local eff=$((16#$(awk '{print $2}' <<<"$output")))
    [ $(((eff >> 21) & 1)) -eq 0 ] || fail "CAP_SYS_ADMIN is effective in the container"
    in_container 'umount /proc/keys; umount /proc/sys; mount -o remount,rw /proc/sys; wc -c < /proc/keys; echo x > /proc/sys/kernel/domainname'
    [ "$status" -ne 0 ]
    [ "$(grep -c 'Operation not permitted\|Permission denied' <<<"$output")" -ge 2 ]
    [[ $output == *"Read-only file system"* ]]
    grep -qx 0 <<<"$output"
}

@test "custom masked paths: a file, a directory, and a missing path (skipped)" {
    mkdir -p "$BUNDLE/rootfs/etc/secretdir"
    echo topsecret >"$BUNDLE/rootfs/etc/secret"
    echo hidden >"$BUNDLE/rootfs/etc/secretdir/f"
    config_edit "$BUNDLE" '.linux.maskedPaths += ["/etc/secret", "/etc/secretdir", "/no/such/path"]'
    in_container 'cat /etc/secret; ls -A /etc/secretdir | wc -l; echo done'
    [ "$status" -eq 0 ] || fail "$output"
    [[ $output != *topsecret* ]]
    [ "${lines[0]}" = 0 ]
    [ "$(cat "$BUNDLE/rootfs/etc/secret")" = topsecret ]
}

@test "custom read-only paths on a writable root" {
    config_edit "$BUNDLE" '.root.readonly = false | .linux.readonlyPaths += ["/etc"]'
    in_container 'touch /root/ok && echo root-ok; touch /etc/nope'
    [ "$status" -ne 0 ]
    [[ $output == *root-ok* ]]
    [[ $output == *"/etc/nope"*"Read-only file system"* ]]
    [ ! -e "$BUNDLE/rootfs/etc/nope" ]
}

@test "a /dev/null that is not the null device is refused for masking (CVE-2025-31133)" {
    # No /dev mount: the rootfs's own /dev is used, with a planted symlink.
    config_edit "$BUNDLE" '.mounts |= map(select(.destination | startswith("/dev") | not))'
    ln -s /proc/sys/kernel/core_pattern "$BUNDLE/rootfs/dev/null"
    in_container 'echo started'
    [ "$status" -ne 0 ]
    [[ $output == *"/dev/null is not the null device"* ]]
    [[ $output != *started* ]]
    rm "$BUNDLE/rootfs/dev/null"
    echo "a plain file" >"$BUNDLE/rootfs/dev/null"
    in_container 'echo started'
    [ "$status" -ne 0 ]
    [[ $output == *"/dev/null is not the null device"* ]]
}
