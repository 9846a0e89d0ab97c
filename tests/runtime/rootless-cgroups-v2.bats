#!/usr/bin/env bats
# The runtime as an ordinary user on a cgroup v2 host with a delegated
# subtree (specs/rootless.md), in the qemu VM of cgroups-v2.bats: root in
# the VM delegates /sys/fs/cgroup/user and its leaf user/shell to uid 1000
# (each directory with its cgroup.procs, cgroup.subtree_control and
# cgroup.threads, as the kernel's delegation model asks) and puts the
# user's shell in user/shell;
# the user then runs containers whose memory and pids limits apply in the
# subtree. Results come back as "R: key=value" lines.
load ../lib/helpers
load ../imagetool/unpack_helpers
load ../lib/vm

setup_file() {
    require_vm
    [ "$(id -u)" = 0 ] || skip "needs root"
}

# The VM's root part: the user, the delegation, then USERPART as the user
# from the delegated leaf.
write_payload() {
    cat >"$1" <<'PAYLOAD'
set -u
echo 'u:x:1000:1000::/home/u:/bin/sh' >>/etc/passwd
echo 'u:x:1000:' >>/etc/group
mkdir -p /home/u/run
chmod 700 /home/u/run
cp -a "$BUNDLE" /home/u/b
cp -a "$LAYOUT" /home/u/image
chown -R 1000:1000 /home/u
echo '+memory +pids' >/sys/fs/cgroup/cgroup.subtree_control
d=/sys/fs/cgroup/user
mkdir -p "$d/shell"
for g in "$d" "$d/shell"; do
    chown 1000:1000 "$g" "$g/cgroup.procs" "$g/cgroup.subtree_control" "$g/cgroup.threads"
done
sh -c 'echo $$ >/sys/fs/cgroup/user/shell/cgroup.procs &&
    exec /usr/bin/setpriv --reuid=1000 --regid=1000 --clear-groups \
        env HOME=/home/u XDG_RUNTIME_DIR=/home/u/run RUNTIME="$RUNTIME" IMAGETOOL="$IMAGETOOL" \
        ASAN_OPTIONS="$ASAN" MEM="$MEM" sh /userpart'
echo "R: user-exit=$?"
# what the user left behind
echo "R: cgroups-left=$(cd $d && ls -d */ | tr -d / | tr '\n' ' ')"
PAYLOAD
    cat >"$2" <<'USERPART'
set -u
rt() { "$RUNTIME" "$@"; }
c=/sys/fs/cgroup/user
echo "R: uid=$(id -u) cgroup=$(cat /proc/self/cgroup)"
cd /home/u/b
rt run -d lim >/tmp/run.out 2>&1; echo "R: run=$?"
sed 's/^/R: run-out: /' /tmp/run.out
pid=$(rt state lim | sed -n 's/.*"pid": *\([0-9]*\).*/\1/p')
echo "R: cgroup=$(cat /proc/$pid/cgroup)"
echo "R: memory.max=$(cat $c/lim/memory.max)"
echo "R: pids.max=$(cat $c/lim/pids.max)"
# memory: a buffer twice the cgroup's limit is killed
rt exec lim dd if=/dev/zero of=/dev/null bs=$((2 * MEM))M count=1 >/tmp/dd.out 2>&1; echo "R: dd=$?"
grep -v 'dd: \|records\|copied' /tmp/dd.out | sed 's/^/R: dd-out: /'
echo "R: oom_kill=$(sed -n 's/^oom_kill //p' $c/lim/memory.events)"
# pids: no more than 8 tasks, whatever the container tries (last: it fills the cgroup)
rt exec lim sh -c 'for i in 1 2 3 4 5 6 7 8 9 10 11 12; do sleep 30 & done; echo spawned' >/tmp/fork.out 2>&1
echo "R: fork-refused=$(grep -c "can't fork" /tmp/fork.out)"
echo "R: pids.current=$(cat $c/lim/pids.current)"
rt delete -f lim; echo "R: delete=$?"
[ -e $c/lim ] && echo "R: lim-left=yes" || echo "R: lim-left=no"
# a cgroupsPath outside the delegated subtree: one line, nothing made
cp outside.json config.json
rt run out >/tmp/out.err 2>&1; echo "R: outside=$?"
echo "R: outside-lines=$(wc -l </tmp/out.err)"
sed 's/^/R: outside-err: /' /tmp/out.err
# imagetool's rootless config keeps the limits here and the runtime applies them
"$IMAGETOOL" unpack -q -m 48m --pids-limit 20 oci:/home/u/image:demo /home/u/demo sleep 60 \
    >/tmp/unpack.out 2>&1; echo "R: unpack=$?"
sed 's/^/R: unpack-out: /' /tmp/unpack.out
grep -q 'limits dropped' /tmp/unpack.out && echo "R: dropped=yes" || echo "R: dropped=no"
rt run -d -b /home/u/demo demo >/tmp/demo.out 2>&1; echo "R: demo-run=$?"
grep -v 'unknown to libseccomp' /tmp/demo.out | sed 's/^/R: demo-run-out: /'
echo "R: demo-memory.max=$(cat $c/demo/memory.max 2>&1)"
echo "R: demo-pids.max=$(cat $c/demo/pids.max 2>&1)"
rt exec demo cat /proc/self/uid_map 2>/dev/null | sed 's/^/R: demo: /'
rt delete -f demo; echo "R: demo-delete=$?"
echo "R: state-left=$(ls /home/u/run/runtime | wc -l)"
USERPART
}

@test "rootless cgroup v2: a user's containers get memory and pids limits in the subtree delegated to it (qemu)" {
    BUNDLE="$BATS_TEST_TMPDIR/bundle"
    mkdir -p "$BUNDLE"
    make_busybox_rootfs "$BUNDLE/rootfs"
    (cd "$BUNDLE" && "$RUNTIME" spec --rootless)
    # MiB of memory.max: the sanitizer build's exec process needs more than 32 before its execve
    local mem=$((${SANITIZE:+4 * }32))
    # the VM's user is 1000, not this host's root
    config_edit "$BUNDLE" '.process.args = ["sleep", "60"] | .process.terminal = false |
        .linux.uidMappings[0].hostID = 1000 | .linux.gidMappings[0].hostID = 1000'
    config_edit "$BUNDLE" ".linux.resources = {memory: {limit: $((mem << 20)), swap: $((mem << 20))}, pids: {limit: 8}}"
    jq '.linux.cgroupsPath = "/elsewhere/x"' "$BUNDLE/config.json" >"$BUNDLE/outside.json"
    LAYOUT=$(demo_image)
    write_payload "$BATS_TEST_TMPDIR/payload.in" "$BATS_TEST_TMPDIR/userpart"
    {
        # the sanitizer build: no leak check for a user's exec (see user_exec in rootless.bats)
        printf 'BUNDLE=%s LAYOUT=%s RUNTIME=%s IMAGETOOL=%s ASAN=%s MEM=%s\n' "$BUNDLE" "$LAYOUT" "$RUNTIME" \
            "$IMAGETOOL" "${SANITIZE:+detect_leaks=0}" "$mem"
        printf 'export BUNDLE LAYOUT RUNTIME IMAGETOOL ASAN MEM\ncp %s /userpart\n' "$BATS_TEST_TMPDIR/userpart"
        cat "$BATS_TEST_TMPDIR/payload.in"
    } >"$BATS_TEST_TMPDIR/payload"
    vm_run --timeout 300 --copy "$RUNTIME" --copy "$IMAGETOOL" --copy "$(vm_dlopened libarchive.so.13)" --copy "$BUNDLE" \
        --copy "$LAYOUT" --copy /usr/bin/setpriv --copy "$BATS_TEST_TMPDIR/userpart" "$BATS_TEST_TMPDIR/payload"
    [ "$(vm_result uid)" = "1000 cgroup=0::/user/shell" ]
    [ "$(vm_result run)" = 0 ]
    [ "$(vm_result cgroup)" = "0::/user/lim" ]
    [ "$(vm_result memory.max)" = $((mem << 20)) ]
    [ "$(vm_result pids.max)" = 8 ]
    [ "$(vm_result fork-refused)" -ge 1 ]
    [ "$(vm_result pids.current)" -le 8 ]
    [ "$(vm_result dd)" = 137 ]
    [ "$(vm_result oom_kill)" -ge 1 ]
    [ "$(vm_result delete)" = 0 ]
    [ "$(vm_result lim-left)" = no ]
    [ "$(vm_result outside)" = 5 ]
    [ "$(vm_result outside-lines)" = 1 ]
    [[ "$output" == *"R: outside-err: runtime: linux.cgroupsPath /elsewhere/x: not root, and it is outside the subtree delegated to this user (/user)"* ]]
    [ "$(vm_result unpack)" = 0 ]
    [ "$(vm_result dropped)" = no ]
    [ "$(vm_result demo-memory.max)" = 50331648 ]
    [ "$(vm_result demo-pids.max)" = 20 ]
    [[ "$output" == *"R: demo:          0       1000          1"* ]]
    [ "$(vm_result demo-run)" = 0 ]
    [ "$(vm_result demo-delete)" = 0 ]
    [ "$(vm_result state-left)" = 0 ]
    [ "$(vm_result user-exit)" = 0 ]
    [ "$(vm_result cgroups-left)" = "shell " ]
}
