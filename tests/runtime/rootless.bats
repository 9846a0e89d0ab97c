#!/usr/bin/env bats
# The runtime as an ordinary user (specs/rootless.md): a test user made for
# the suite (subordinate ids written by it) unpacks images into its own
# store and runs them; runc, run as the same user, is the oracle for
# `spec --rootless`.

load ../lib/helpers
load ../lib/rootless
load ../imagetool/unpack_helpers
load ../imagetool/layer-helpers

# rootless.bash's setup_file and teardown_file make and remove the user.
setup() {
    rootless_user_load
    ID=$(unique_id)
}

teardown() {
    local id
    for id in $(as_user runtime list -q 2>/dev/null); do
        as_user runtime delete --force "$id" >/dev/null 2>&1 || true
    done
}

# user_bundle NAME [ARGS...]: a busybox bundle the user owns, with the
# config of `runtime spec --rootless` running ARGS (default: sh).
user_bundle() {
    local dir
    dir=$(user_dir "$1")
    shift
    make_busybox_rootfs "$dir/rootfs"
    chown -R "$RL_UID:$RL_GID" "$dir"
    as_user sh -c "cd '$dir' && runtime spec --rootless" || return 1
    local args='["sh"]'
    [ $# -gt 0 ] && args=$(printf '%s\n' "$@" | jq -R . | jq -s -c .)
    config_edit "$dir" ".process.args = $args | .process.terminal = false"
    chown "$RL_UID:$RL_GID" "$dir/config.json"
    echo "$dir"
}

@test "rootless: the state root is \$XDG_RUNTIME_DIR/runtime for a user, /run/runtime for root" {
    local b
    b=$(user_bundle state true)
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [ -d "$RL_HOME/run/runtime" ] || fail "no state root under XDG_RUNTIME_DIR"
    # runc's rule: the real root ignores XDG_RUNTIME_DIR
    local xdg="$BATS_TEST_TMPDIR/xdg"
    mkdir -p "$xdg"
    XDG_RUNTIME_DIR="$xdg" run "$RUNTIME" list
    [ "$status" -eq 0 ] && [ ! -e "$xdg/runtime" ] || fail "root used XDG_RUNTIME_DIR"
    run as_user runtime --help
    [[ "$output" == *'$XDG_RUNTIME_DIR/runtime when not root'* ]] || fail "$output"
}

@test "rootless: spec --rootless has the shape of runc's" {
    local mine theirs
    mine=$(user_dir spec-mine)
    theirs=$(user_dir spec-runc)
    as_user sh -c "cd '$mine' && runtime spec --rootless"
    as_user sh -c "cd '$theirs' && runc spec --rootless"
    local f='{ns: [.linux.namespaces[].type] | sort, uid: .linux.uidMappings, gid: .linux.gidMappings,
             sys: (.mounts[] | select(.destination == "/sys")), resources: .linux.resources,
             idopts: [.mounts[].options // [] | .[] | select(test("^[ug]id="))]}'
    diff -u <(jq -S "$f" "$theirs/config.json") <(jq -S "$f" "$mine/config.json")
    [ "$(jq -c '.linux.uidMappings' "$mine/config.json")" = "[{\"containerID\":0,\"hostID\":$RL_UID,\"size\":1}]" ]
}

@test "rootless: an image the user unpacked runs as 0 in a user namespace mapped with its subordinate range" {
    local out
    out=$(user_dir image)
    cp -r "$(demo_image)" "$out/image"
    chown -R "$RL_UID:$RL_GID" "$out/image"
    run as_user imagetool unpack -q "oci:$out/image:demo" "$out/b" \
        sh -c 'id -u; cat /proc/self/uid_map; echo x >/tmp/f; stat -c %u /tmp/f; ls -ld /home/demo'
    [ "$status" -eq 0 ] || fail "$output"
    run as_user runtime run -b "$out/b" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    local lines
    lines=$(grep -v '^runtime: ' <<<"$output")
    [ "$(sed -n 1p <<<"$lines")" = 0 ] || fail "$output"
    [ "$(sed -n 2p <<<"$lines" | tr -s ' ' | sed 's/^ //')" = "0 $RL_UID 1" ] || fail "$output"
    [ "$(sed -n 3p <<<"$lines" | tr -s ' ' | sed 's/^ //')" = "1 $RL_SUBID 65536" ] || fail "$output"
    [ "$(sed -n 4p <<<"$lines")" = 0 ] || fail "$output"
    # on disk (the user's default backend is overlay, mounted by the runtime
    # in the container's namespaces): what the container wrote is in the
    # bundle's upper dir and the user's; nothing stays mounted
    [ "$(stat -c %u "$out/b/.overlay/upper/tmp/f")" = "$RL_UID" ]
    [ -z "$(find "$out/b" ! -user "$RL_UID")" ]
    run ! grep -q "$out/b" /proc/self/mountinfo
    # this host delegates no cgroup v2 subtree: said once, no cgroup made
    [ "$(grep -c 'cgroup: not root' <<<"$output")" -le 1 ] || fail "$output"
    run as_user runtime list -q
    [ -z "$output" ] && [ -z "$(ls "$RL_HOME/run/runtime")" ] || fail "state left: $output"
}

@test "rootless: the user's own ids alone: maps written directly, setgroups denied, caps, seccomp, no_new_privs" {
    local b
    b=$(user_bundle single sh -c 'cat /proc/self/uid_map /proc/self/gid_map /proc/self/setgroups; grep -E "^(CapEff|Seccomp|NoNewPrivs):" /proc/self/status; ls /dev/null /dev/zero; mkdir /tmp/x || echo refused')
    # additional gids cannot be set where setgroups is denied: said, not fatal (runc and crun skip them)
    config_edit "$b" '.linux.seccomp = {defaultAction: "SCMP_ACT_ALLOW",
        syscalls: [{names: ["mkdir", "mkdirat"], action: "SCMP_ACT_ERRNO"}]} |
        .process.user.additionalGids = [10]'

    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    local maps
    maps=$(tr -s ' ' <<<"$output")
    [[ "$maps" == *" 0 $RL_UID 1"* ]] && [[ "$maps" == *" 0 $RL_GID 1"* ]] || fail "$output"
    [[ "$output" == *deny* ]] || fail "setgroups not denied: $output"
    # spec's capabilities (KILL, NET_BIND_SERVICE, AUDIT_WRITE), within the namespace
    [[ "$output" == *"CapEff:	0000000020000420"* ]] || fail "$output"
    [[ "$output" == *"Seccomp:	2"* ]] || fail "$output"
    [[ "$output" == *"NoNewPrivs:	1"* ]] || fail "$output"
    [[ "$output" == *"mkdir: can't create directory '/tmp/x': Operation not permitted"* ]] || fail "$output"
    [[ "$output" == *"/dev/null"* ]] || fail "$output"
    [[ "$output" == *"warning: process.user.additionalGids: setgroups is denied in this user namespace (a gid map without newgidmap): 1 additional group(s) not set"* ]] ||
        fail "$output"
}

@test "rootless: SCMP_ACT_NOTIFY: without CAP_SYS_PTRACE the init sends its notify fd itself; NOTIFY on sendmsg is refused" {
    python3 -c 'import socket; socket.recv_fds' 2>/dev/null || skip "python3 >= 3.9 needed"
    local b sock out listener
    b=$(user_bundle notify sh -c 'mkdir /tmp/x; echo status=$?')
    sock="$(user_dir notify-agent)/agent.sock"
    out="$BATS_TEST_TMPDIR/agent.json"
    timeout 60 python3 "$BATS_TEST_DIRNAME/../lib/seccomp-listener.py" "$sock" "$out" &
    listener=$!
    for _ in $(seq 200); do [ -e "$out.ready" ] && break; sleep 0.05; done
    config_edit "$b" ".linux.seccomp = {defaultAction: \"SCMP_ACT_ALLOW\", listenerPath: \"$sock\",
        syscalls: [{names: [\"mkdir\", \"mkdirat\"], action: \"SCMP_ACT_NOTIFY\"}]}"
    run as_user runtime --debug run -b "$b" "$ID"
    wait "$listener" || true
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"Operation not supported"* ]] && [[ "$output" == *"status=1"* ]] || fail "$output"
    [[ "$output" == *"notify fd from the container's process: Operation not permitted; it sends it itself"* ]] ||
        fail "$output"
    [ "$(jq .nfds "$out")" = 1 ] || fail "no fd reached the listener"
    # the process could not send it itself past a notified sendmsg, and we may not take it
    config_edit "$b" '.linux.seccomp.syscalls[0].names = ["sendmsg"]'
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 5 ] || fail "$status: $output"
    [[ "$output" == *'SCMP_ACT_NOTIFY on "sendmsg" needs CAP_SYS_PTRACE'* ]] || fail "$output"
    [ "${#lines[@]}" -eq 1 ] || fail "$output"
}

@test "rootless: create, state, kill, delete and list work for the user and leave nothing" {
    local b
    b=$(user_bundle life sleep 100)
    as_user runtime create -b "$b" "$ID" >"$BATS_TEST_TMPDIR/create.out" 2>&1 ||
        fail "$(cat "$BATS_TEST_TMPDIR/create.out")"
    [ "$(as_user runtime state "$ID" | jq -r .status)" = created ]
    as_user runtime start "$ID"
    [ "$(as_user runtime state "$ID" | jq -r .status)" = running ]
    [ "$(as_user runtime list -q)" = "$ID" ]
    # root's list (its own root) does not show the user's container
    run ! grep -qx "$ID" <<<"$("$RUNTIME" list -q 2>/dev/null)"
    local pid
    pid=$(as_user runtime state "$ID" | jq -r .pid)
    as_user runtime kill "$ID" KILL
    for _ in $(seq 50); do
        [ "$(as_user runtime state "$ID" | jq -r .status)" = stopped ] && break
        sleep 0.1
    done
    as_user runtime delete "$ID"
    [ -z "$(as_user runtime list -q)" ] || fail "still listed"
    # gone, or a zombie waiting for whoever adopted it
    [ ! -e "/proc/$pid" ] || [ "$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo Z)" = Z ] ||
        fail "init $pid still alive"
    [ -z "$(ls "$RL_HOME/run/runtime")" ]
}

@test "rootless: 16 containers started at once all run and leave nothing (id maps written while each init waits)" {
    local b i failed=""
    b=$(user_bundle many true)
    for i in $(seq 16); do
        as_user runtime run -b "$b" "$ID-$i" >"$BATS_TEST_TMPDIR/run-$i.out" 2>&1 &
    done
    for i in $(seq 16); do
        wait -n || failed=1
    done
    [ -z "$failed" ] || fail "$(cat "$BATS_TEST_TMPDIR"/run-*.out)"
    # nothing but the once-per-state-root cgroup info line
    [ -z "$(cat "$BATS_TEST_TMPDIR"/run-*.out | grep -v '^runtime: info: ')" ] || fail "$(cat "$BATS_TEST_TMPDIR"/run-*.out)"
    [ -z "$(as_user runtime list -q)" ] || fail "left: $(as_user runtime list -q)"
}

@test "rootless: limits that cannot be applied are refused; --rootless=true skips them with a warning" {
    local b
    b=$(user_bundle limits true)
    config_edit "$b" '.linux.resources = {memory: {limit: 104857600}, pids: {limit: 50}}'
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 5 ] || fail "$status $output"
    [ "${#lines[@]}" = 1 ] || fail "$output"
    [[ "$output" == *"cgroup: not root and no cgroup v2 subtree is delegated to this user: the limits in config.json (memory, pids) cannot be applied"* ]] ||
        fail "$output"
    [ -z "$(ls "$RL_HOME/run/runtime")" ] || fail "state left"
    run as_user runtime --rootless=true run -b "$b" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    [[ "$output" == *"warning: cgroup: not root and no cgroup v2 subtree is delegated to this user: limits not applied: memory, pids"* ]] ||
        fail "$output"
    run as_user runtime --rootless=maybe list
    [ "$status" -eq 2 ] && [[ "$output" == *"--rootless: expected auto, true or false, got 'maybe'"* ]] || fail "$output"
}

@test "rootless: one clear line for what a user cannot do" {
    local b
    b=$(user_bundle errs true)
    # no user namespace in the config
    config_edit "$b" '.linux.namespaces = [.linux.namespaces[] | select(.type != "user")] |
        del(.linux.uidMappings) | del(.linux.gidMappings)'
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 5 ] && [ "${#lines[@]}" = 1 ] || fail "$status $output"
    [[ "$output" == *"not root, and linux.namespaces has no user namespace"* ]] || fail "$output"
    # a range of ids without subordinate ids for the user
    b=$(user_bundle errs2 true)
    config_edit "$b" ".linux.uidMappings += [{containerID: 1, hostID: $((RL_SUBID + 70000)), size: 10}]"
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 5 ] && [ "${#lines[@]}" = 1 ] || fail "$status $output"
    [[ "$output" == *"linux.uidMappings: newuidmap: "*"(are the subordinate ids in /etc/subuid?)"* ]] || fail "$output"
    [ -z "$(ls "$RL_HOME/run/runtime")" ] || fail "state left"
    # a mount type the kernel refuses in a user namespace
    b=$(user_bundle errs3 true)
    config_edit "$b" '.mounts += [{destination: "/mnt", type: "ext4", source: "/dev/null"}]'
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -ne 0 ] && [ "${#lines[@]}" = 1 ] || fail "$status $output"
    [[ "$output" == *"/mnt: type ext4 refused in a user namespace"* ]] || fail "$output"
}

# user_exec ARGS...: runtime exec as the user. Its parent joins the
# container's user and pid namespaces for its child and, not root, cannot
# return to its own pid namespace: LeakSanitizer's tracer, cloned at exit,
# lands in the container's and cannot find the threads it must stop (it
# spins), so the sanitizer build runs exec without the leak check.
user_exec() {
    as_user env ASAN_OPTIONS="${SANITIZE:+detect_leaks=0}" runtime exec "$@"
}

@test "rootless: exec joins the user's container (user namespace first); commands that need a cgroup say so in one line" {
    local out
    out=$(user_dir exec)
    cp -r "$(demo_image)" "$out/image"
    chown -R "$RL_UID:$RL_GID" "$out/image"
    run as_user imagetool unpack -q --backend copy "oci:$out/image:demo" "$out/b" sleep 100
    [ "$status" -eq 0 ] || fail "$output"
    as_user runtime create -b "$out/b" "$ID" >"$BATS_TEST_TMPDIR/create.out" 2>&1 ||
        fail "$(cat "$BATS_TEST_TMPDIR/create.out")"
    as_user runtime start "$ID"
    run user_exec "$ID" sh -c 'id -u; cat /proc/self/uid_map; echo $$'
    [ "$status" -eq 0 ] || fail "$output"
    output=$(grep -v '^runtime: ' <<<"$output")
    [ "$(sed -n 1p <<<"$output")" = 0 ] || fail "$output"
    [ "$(sed -n 2p <<<"$output" | tr -s ' ' | sed 's/^ //')" = "0 $RL_UID 1" ] || fail "$output"
    # in the container's pid namespace: a small pid, not the host's
    [ "$(sed -n 4p <<<"$output")" -lt 100 ] || fail "$output"
    # an id of the subordinate range, through newuidmap's map
    run user_exec --user 1000:1000 "$ID" sh -c 'id -u; echo y >/tmp/g && stat -c %u /tmp/g'
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(grep -v '^runtime: ' <<<"$output" | tr '\n' ' ')" = "1000 1000 " ] || fail "$output"
    [ "$(stat -c %u "$out/b/rootfs/tmp/g")" = $((RL_SUBID + 999)) ]
    # this host delegates nothing: no cgroup to freeze, list or update
    local cmd
    for cmd in pause ps "update --pids-limit 10"; do
        run as_user runtime $cmd "$ID"
        [ "$status" -eq 7 ] && [ "${#lines[@]}" = 1 ] || fail "$cmd: $status $output"
        [[ "$output" == *"container $ID has no cgroup"* ]] || fail "$cmd: $output"
    done
    as_user runtime delete --force "$ID"
    [ -z "$(ls "$RL_HOME/run/runtime")" ] || fail "state left"
}

# tree_inside BUNDLE: every path of the container's root file system with its
# type, mode and owner as the container sees them, sorted
tree_inside() {
    config_edit "$1" '.process.args = ["sh", "-c", "find / -xdev | sort | xargs stat -c \"%F %a %u:%g %n\""]'
    as_user runtime run -b "$1" "$ID-$(basename "$1")" 2>>"$BATS_TEST_TMPDIR/tree.err"
}

@test "rootless: an overlay bundle runs as a copy one does: whiteouts, opaque dirs, the same tree, writes in the upper dir" {
    local out image
    out=$(user_dir ovl)
    image=$(whiteout_image)
    run as_user imagetool unpack -q "oci:$image:demo" "$out/o" \
        sh -c 'ls /var; cat /etc/issue 2>&1; ls /bin/extra /bin/busybox; echo w >/etc/written; cat /etc/written'
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(jq -r .backend "$out/o/.imagetool.json")" = overlay ]
    run as_user runtime run -b "$out/o" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    output=$(grep -v '^runtime: ' <<<"$output")
    [ "$output" = "$(printf '%s\n' new 'cat: can'"'"'t open '"'"'/etc/issue'"'"': No such file or directory' \
        /bin/busybox /bin/extra w)" ] || fail "$output"
    # the write went to the upper dir, the user's; the layer cache is untouched
    [ "$(cat "$out/o/.overlay/upper/etc/written")" = w ] && [ "$(stat -c %u "$out/o/.overlay/upper/etc/written")" = "$RL_UID" ]
    local top
    top=$(jq -r '.mounts[0].options[0] | split(",")[0] | ltrimstr("lowerdir=") | split(":")[0]' "$out/o/config.json")
    [ ! -e "$top/etc/written" ]
    # the container sees the same tree through the overlay as through a copy
    run as_user imagetool unpack -q --backend copy "oci:$image:demo" "$out/c"
    [ "$status" -eq 0 ] || fail "$output"
    chown "$RL_UID:$RL_GID" "$out/o/config.json" "$out/c/config.json"
    as_user imagetool rm-bundle "$out/o"
    run as_user imagetool unpack -q "oci:$image:demo" "$out/o"
    [ "$status" -eq 0 ] || fail "$output"
    tree_inside "$out/c" >"$BATS_TEST_TMPDIR/copy.tree"
    tree_inside "$out/o" >"$BATS_TEST_TMPDIR/overlay.tree"
    diff -u "$BATS_TEST_TMPDIR/copy.tree" "$BATS_TEST_TMPDIR/overlay.tree" ||
        fail "runtime said: $(cat "$BATS_TEST_TMPDIR/tree.err")"
    [ "$(grep -c ' /bin/busybox$' "$BATS_TEST_TMPDIR/overlay.tree")" = 1 ]
    run as_user runtime list -q
    [ -z "$output" ] || fail "containers left: $output"
}

@test "rootless: the runtime mounts a config's overlay over an empty root.path; an empty root.path without one is refused" {
    local b lower
    b=$(user_bundle rootmount sh -c 'cat /from-lower; echo up >/new; ls /')
    lower=$(user_dir rootmount-lower)
    mv "$b/rootfs"/* "$lower/"
    echo lower >"$lower/from-lower"
    mkdir -p "$b/upper" "$b/work"
    chown -R "$RL_UID:$RL_GID" "$b" "$lower"
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 3 ] && [[ "$output" == *"root.path $b/rootfs: empty directory"* ]] || fail "$status $output"
    config_edit "$b" ".root.readonly = false | .mounts = [{destination: \"/\", type: \"overlay\", source: \"overlay\",
        options: [\"lowerdir=$lower,upperdir=$b/upper,workdir=$b/work,userxattr\"]}] + .mounts"
    chown "$RL_UID:$RL_GID" "$b/config.json"
    run as_user runtime run -b "$b" "$ID"
    [ "$status" -eq 0 ] || fail "$output"
    output=$(grep -v '^runtime: ' <<<"$output")
    [[ "$output" == "lower"$'\n'* ]] && [[ "$output" == *"from-lower"* ]] || fail "$output"
    [ "$(cat "$b/upper/new")" = up ] && [ -z "$(ls -A "$b/rootfs")" ]
}
