#!/usr/bin/env bats
# process.capabilities, noNewPrivileges, apparmorProfile/selinuxLabel:
# what the container's process really holds (/proc/self/status inside).

load lib_container

setup() {
    container_setup
}

teardown() {
    container_teardown
}

# status_field NAME: the value of NAME: in the container's /proc/self/status ($output).
status_field() {
    awk -v k="$1:" '$1 == k { print $2 }' <<<"$output"
}

@test "default config: runc's three capabilities in bounding, effective and permitted; nothing inheritable" {
    in_container 'cat /proc/self/status'
    [ "$status" -eq 0 ]
    # CAP_KILL (5), CAP_NET_BIND_SERVICE (10), CAP_AUDIT_WRITE (29)
    [ "$(status_field CapBnd)" = 0000000020000420 ]
    [ "$(status_field CapEff)" = 0000000020000420 ]
    [ "$(status_field CapPrm)" = 0000000020000420 ]
    [ "$(status_field CapInh)" = 0000000000000000 ]
    [ "$(status_field CapAmb)" = 0000000000000000 ]
}

@test "a capability left out is really gone: chown fails without CAP_CHOWN, works with it" {
    in_container 'touch /dev/f && chown 1:1 /dev/f'
    [ "$status" -ne 0 ]
    [[ "$output" == *"Operation not permitted"* ]]
    config_edit "$BUNDLE" '.process.capabilities |= with_entries(.value += ["CAP_CHOWN"])'
    in_container 'touch /dev/f && chown 1:1 /dev/f && stat -c %u /dev/f'
    [ "$status" -eq 0 ]
    [ "$output" = 1 ]
}

@test "non-root user: ambient capabilities reach the process through exec" {
    config_edit "$BUNDLE" '.process.user = {uid: 1000, gid: 1000} |
        .process.capabilities = {bounding: ["CAP_NET_BIND_SERVICE", "CAP_KILL"],
          effective: ["CAP_NET_BIND_SERVICE"], permitted: ["CAP_NET_BIND_SERVICE"],
          inheritable: ["CAP_NET_BIND_SERVICE"], ambient: ["CAP_NET_BIND_SERVICE"]}'
    in_container 'id -u; cat /proc/self/status'
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = 1000 ]
    [ "$(status_field CapBnd)" = 0000000000000420 ]
    [ "$(status_field CapAmb)" = 0000000000000400 ]
    [ "$(status_field CapEff)" = 0000000000000400 ]
    [ "$(status_field CapPrm)" = 0000000000000400 ]
}

@test "non-root user without ambient capabilities has none after exec" {
    config_edit "$BUNDLE" '.process.user = {uid: 1000, gid: 1000}'
    in_container 'cat /proc/self/status'
    [ "$status" -eq 0 ]
    [ "$(status_field CapEff)" = 0000000000000000 ]
    [ "$(status_field CapPrm)" = 0000000000000000 ]
}

@test "unknown capability names are skipped with runc's one warning; the known ones still apply" {
    config_edit "$BUNDLE" '.process.capabilities.bounding += ["CAP_TELEPORT"]
        | .process.capabilities.effective += ["CAP_TELEPORT", "CAP_FLY"]'
    in_container 'cat /proc/self/status'
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(grep -c 'ignoring unknown or unavailable capabilities' <<<"$output")" = 1 ] || fail "$output"
    [[ "$output" == *"warning: ignoring unknown or unavailable capabilities: [CAP_FLY CAP_TELEPORT]"* ]] || fail "$output"
    [ "$(status_field CapBnd)" = "$(status_field CapPrm)" ] || fail "$output"
    [ "$(status_field CapBnd)" != 0000000000000000 ]
    # runc says the same, names sorted
    run runc --root "$STATE-runc" run -b "$BUNDLE" "$ID"
    [[ "$output" == *'msg="ignoring unknown or unavailable capabilities: [CAP_FLY CAP_TELEPORT]"'* ]] || fail "$output"
}

@test "CVE-2022-29162: an inheritable set the runtime was started with does not reach the container" {
    command -v setpriv >/dev/null || skip "setpriv (util-linux) missing"
    config_edit "$BUNDLE" '.process.args = ["cat", "/proc/self/status"]'
    run setpriv --inh-caps +chown,+net_raw,+sys_admin "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$(status_field CapInh)" = 0000000000000000 ]
    [ "$(status_field CapAmb)" = 0000000000000000 ]
    # Without any process.capabilities the same holds.
    config_edit "$BUNDLE" 'del(.process.capabilities)'
    run setpriv --inh-caps +chown,+net_raw,+sys_admin "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [ "$(status_field CapInh)" = 0000000000000000 ]
}

@test "inheritable capabilities are granted when asked" {
    config_edit "$BUNDLE" '.process.capabilities.inheritable = ["CAP_KILL"]'
    in_container 'cat /proc/self/status'
    [ "$status" -eq 0 ]
    [ "$(status_field CapInh)" = 0000000000000020 ]
}

@test "noNewPrivileges sets no_new_privs; false leaves it off" {
    config_edit "$BUNDLE" '.process.noNewPrivileges = true'
    in_container 'cat /proc/self/status'
    [ "$status" -eq 0 ]
    [ "$(status_field NoNewPrivs)" = 1 ]
    config_edit "$BUNDLE" '.process.noNewPrivileges = false'
    in_container 'cat /proc/self/status'
    [ "$status" -eq 0 ]
    [ "$(status_field NoNewPrivs)" = 0 ]
}

@test "apparmorProfile on a host without AppArmor is a clear error, not ignored" {
    [ ! -d /sys/kernel/security/apparmor ] || skip "this host has AppArmor"
    config_edit "$BUNDLE" '.process.apparmorProfile = "docker-default"'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'process.apparmorProfile: "docker-default" requested but AppArmor is not enabled on this host'* ]]
    [ ! -e "$STATE/$ID" ]
}

@test "selinuxLabel on a host without SELinux is a clear error, not ignored" {
    [ ! -d /sys/fs/selinux ] || skip "this host has SELinux"
    config_edit "$BUNDLE" '.process.selinuxLabel = "system_u:system_r:container_t:s0"'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'process.selinuxLabel: "system_u:system_r:container_t:s0" requested but SELinux is not enabled'* ]]
}
