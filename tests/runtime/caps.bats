#!/usr/bin/env bats
# process.capabilities, noNewPrivileges, apparmorProfile/selinuxLabel:
# what the container's process really holds (/proc/self/status inside).

load ../lib/helpers

setup() {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    STATE="$BATS_TEST_TMPDIR/state"
    ID=$(unique_id)
    make_bundle "$BUNDLE"
}

teardown() {
    "$RUNTIME" --root "$STATE" delete --force "$ID" >/dev/null 2>&1 || true
}

in_container() {
    config_edit "$BUNDLE" ".process.args = [\"sh\", \"-c\", $(printf '%s' "$1" | jq -Rs .)]"
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
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

@test "an unknown capability name is refused at create, naming the field, leaving nothing behind" {
    config_edit "$BUNDLE" '.process.capabilities.bounding += ["CAP_TELEPORT"]'
    run "$RUNTIME" --root "$STATE" create -b "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *'process.capabilities.bounding[3]: unknown capability "CAP_TELEPORT"'* ]]
    [ ! -e "$STATE/$ID" ]
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
