#!/usr/bin/env bats
# Syscalls newer than the seccomp profile get ENOSYS, whatever the profile's
# default action, so that libc falls back (clone3 -> clone) as on an older
# kernel; syscalls the profile knows keep its action.

load lib_container

setup_file() {
    export PROBE="$BATS_FILE_TMPDIR/probe"
    cc -static -O2 -o "$PROBE" "$PROJECT_ROOT/tests/lib/seccomp-probe.c"
}

setup() {
    [ -r /usr/include/x86_64-linux-gnu/asm/unistd_64.h ] || skip "no x86_64 kernel headers"
    container_setup
    cp "$PROBE" "$BUNDLE/rootfs/probe"
}

teardown() {
    container_teardown
}

# x86_64 syscall names numbered below $1, except the names given: a profile
# written before the syscall numbered $1 existed.
syscalls_below() {
    local limit=$1
    shift
    local skip=" $* "
    sed -n 's/^#define __NR_\([a-z0-9_]*\) \([0-9]*\)$/\1 \2/p' /usr/include/x86_64-linux-gnu/asm/unistd_64.h |
        while read -r n nr; do [ "$nr" -lt "$limit" ] && [[ "$skip" != *" $n "* ]] && echo "$n"; done |
        jq -R . | jq -s -c .
}

# old_profile DEFAULT-ACTION [EXTRA-JSON]: allows every syscall below clone3
# (435) except getpriority (140, left to the default) and keyctl (250,
# refused with EACCES).
old_profile() {
    config_edit "$BUNDLE" ".linux.seccomp = {defaultAction: \"$1\" ${2:+, $2},
        architectures: [\"SCMP_ARCH_X86_64\", \"SCMP_ARCH_X86\", \"SCMP_ARCH_X32\"],
        syscalls: [{names: $(syscalls_below 435 getpriority keyctl), action: \"SCMP_ACT_ALLOW\"},
                   {names: [\"keyctl\"], action: \"SCMP_ACT_ERRNO\", errnoRet: 13}]}"
}

probe() {
    config_edit "$BUNDLE" ".process.args = [\"/probe\", \"1000\", \"435\", \"250\", \"140\", \"39\", \"thread\"]"
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
}

@test "ERRNO default: syscall 1000 and clone3 get ENOSYS, threads start, known syscalls keep the profile's errno" {
    old_profile SCMP_ACT_ERRNO
    probe
    [ "$status" -eq 0 ]
    [[ "$output" == *"syscall-1000=ENOSYS"* ]]
    [[ "$output" == *"syscall-435=ENOSYS"* ]]   # clone3, newer than the profile
    [[ "$output" == *"syscall-250=EACCES"* ]]   # keyctl: the rule's errnoRet
    [[ "$output" == *"syscall-140=EPERM"* ]]    # getpriority: the default errno
    [[ "$output" == *"syscall-39=ok"* ]]        # getpid: allowed
    [[ "$output" == *"thread=ok"* ]]            # glibc fell back from clone3 to clone
}

@test "defaultErrnoRet: the profile's errno below its newest syscall, ENOSYS above" {
    old_profile SCMP_ACT_ERRNO 'defaultErrnoRet: 122'
    probe
    [ "$status" -eq 0 ]
    [[ "$output" == *"syscall-1000=ENOSYS"* ]]
    [[ "$output" == *"syscall-140=EDQUOT"* ]]
    [[ "$output" == *"thread=ok"* ]]
}

@test "KILL_PROCESS default: a new syscall gets ENOSYS, not SIGSYS; a known one still kills" {
    old_profile SCMP_ACT_KILL_PROCESS
    config_edit "$BUNDLE" '.process.args = ["/probe", "1000", "435", "thread"]'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 0 ]
    [[ "$output" == *"syscall-1000=ENOSYS"* ]]
    [[ "$output" == *"thread=ok"* ]]
    config_edit "$BUNDLE" '.process.args = ["/probe", "140"]'
    run "$RUNTIME" --root "$STATE" run -b "$BUNDLE" "$ID"
    [ "$status" -eq 159 ]   # 128 + SIGSYS
}

@test "runc, the oracle, answers the same for the same profile" {
    command -v runc >/dev/null || skip "runc not installed"
    old_profile SCMP_ACT_ERRNO
    probe
    ours=$output
    config_edit "$BUNDLE" '.process.args = ["/probe", "1000", "435", "250", "140", "39", "thread"]'
    theirs=$(cd "$BUNDLE" && runc --root "$BATS_TEST_TMPDIR/runc" run "r$ID" 2>&1)
    [[ "$ours" == *"syscall-1000=ENOSYS"* ]]
    [ "$ours" = "$theirs" ]
}
