#!/usr/bin/env bats
# The command line: global flags, help, version, spec, features, list, errors.

load lib_core

setup() { core_setup; }
teardown() { core_teardown; }

@test "cli: --version names the runtime and the spec version" {
    run "$RUNTIME" --version
    [ "$status" -eq 0 ]
    [[ "$output" == *"runtime version"* ]]
    [[ "$output" == *"spec: 1."* ]]
}

@test "cli: --help lists the commands; no command is a usage error" {
    run "$RUNTIME" --help
    [ "$status" -eq 0 ]
    for c in create start run state kill delete list spec features; do
        [[ "$output" == *"  $c "* ]] || fail "help lacks $c"
    done
    run "$RUNTIME"
    [ "$status" -eq 2 ]
}

@test "cli: every command has --help" {
    for c in create start run state kill delete list spec features; do
        run "$RUNTIME" "$c" --help
        [ "$status" -eq 0 ] || fail "$c --help exited $status"
        [[ "$output" == "usage: runtime $c"* ]] || fail "$c --help: $output"
    done
}

@test "cli: unknown command and unknown option exit 2" {
    run "$RUNTIME" frobnicate
    [ "$status" -eq 2 ]
    [[ "$output" == *"unknown command 'frobnicate'"* ]]
    run "$RUNTIME" list --bogus
    [ "$status" -eq 2 ]
    [[ "$output" == *"--bogus"* ]]
    run "$RUNTIME" --bogus list
    [ "$status" -eq 2 ]
}

@test "cli: a missing id is a usage error" {
    for c in create start run state kill delete; do
        run "$RUNTIME" --root "$ROOT" "$c"
        [ "$status" -eq 2 ] || fail "$c without id exited $status"
        [[ "$output" == *"missing CONTAINER_ID"* ]]
    done
}

@test "cli: spec writes runc's default config.json and refuses to overwrite it" {
    cd "$BATS_TEST_TMPDIR"
    run "$RUNTIME" spec
    [ "$status" -eq 0 ]
    [ "$(jq -r '.process.args[0]' config.json)" = sh ]
    [ "$(jq -r '.root.path' config.json)" = rootfs ]
    [ "$(jq -r '.process.terminal' config.json)" = true ]
    [ "$(jq -r '[.linux.namespaces[].type] | sort | join(",")' config.json)" = "ipc,mount,network,pid,uts" ]
    run "$RUNTIME" spec
    [ "$status" -ne 0 ]
    [[ "$output" == *"exists already"* ]]
    # and it matches runc's in shape
    mkdir r && runc spec --bundle r
    [ "$(jq -c '[.linux.maskedPaths, .linux.readonlyPaths]' config.json)" = "$(jq -c '[.linux.maskedPaths, .linux.readonlyPaths]' r/config.json)" ]
}

@test "cli: spec --bundle writes into that directory" {
    mkdir "$BATS_TEST_TMPDIR/b"
    run "$RUNTIME" spec --bundle "$BATS_TEST_TMPDIR/b"
    [ "$status" -eq 0 ]
    jq -e .ociVersion "$BATS_TEST_TMPDIR/b/config.json"
}

@test "cli: features prints runtime-spec features JSON" {
    run "$RUNTIME" features
    [ "$status" -eq 0 ]
    echo "$output" | jq -e '.ociVersionMin and .ociVersionMax'
    echo "$output" | jq -e '.linux.namespaces | index("user") and index("cgroup") and index("network")'
    echo "$output" | jq -e '.mountOptions | index("rbind")'
}

@test "cli: state of a missing container says 'does not exist'" {
    run "$RUNTIME" --root "$ROOT" state nosuch
    [ "$status" -ne 0 ]
    [[ "$output" == *"container nosuch does not exist"* ]]
    run "$RUNTIME" --root "$ROOT" kill nosuch
    [[ "$output" == *"does not exist"* ]]
    run "$RUNTIME" --root "$ROOT" start nosuch
    [[ "$output" == *"does not exist"* ]]
}

@test "cli: delete of a missing container fails, with --force exits 0" {
    run "$RUNTIME" --root "$ROOT" delete nosuch
    [ "$status" -ne 0 ]
    [[ "$output" == *"does not exist"* ]]
    run "$RUNTIME" --root "$ROOT" delete --force nosuch
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "cli: list of an empty or missing root" {
    run "$RUNTIME" --root "$ROOT" list
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "ID"*"PID"*"STATUS"*"BUNDLE"*"CREATED"*"OWNER" ]]
    [ "${#lines[@]}" -eq 1 ]
    run "$RUNTIME" --root "$ROOT" list --format json
    [ "$output" = "[]" ]
    run "$RUNTIME" --root "$ROOT" list --format yaml
    [ "$status" -eq 2 ]
    # an existing but empty root
    mkdir -p "$ROOT"
    run "$RUNTIME" --root "$ROOT" list -q
    [ "$status" -eq 0 ]
    [ -z "$output" ]
}

@test "cli: list shows containers in table, json and -q forms" {
    bundle sleep 100
    rt create --bundle "$BUNDLE" "$ID"
    rt create --bundle "$BUNDLE" "$ID-b"
    run rt list -q
    [ "$output" = "$(printf '%s\n%s' "$ID" "$ID-b")" ]
    run rt list
    [[ "${lines[1]}" == "$ID "*"created"*"$BUNDLE"* ]]
    [ "$(awk '{print $NF}' <<<"${lines[1]}")" = root ]
    run rt list -f json
    [ "$(echo "$output" | jq -r 'map(.id + ":" + .status) | join(" ")')" = "$ID:created $ID-b:created" ]
    # the owner is the same user name in both forms (runc's)
    [ "$(echo "$output" | jq -r 'map(.owner) | unique | join(",")')" = root ]
    run rt state "$ID"
    [ "$(echo "$output" | jq -r .owner)" = "" ]
}

@test "cli: invalid container ids are refused" {
    bundle true
    for id in "a/b" ".." "a b"; do
        run rt create --bundle "$BUNDLE" "$id"
        [ "$status" -eq 3 ] || fail "id '$id' gave $status"
        [[ "$output" == *"invalid container id"* ]]
    done
}

@test "cli: checkpoint and restore say not supported yet" {
    for c in checkpoint restore; do
        run "$RUNTIME" --root "$ROOT" "$c" x
        [ "$status" -eq 1 ]
        [[ "$output" == *"$c: not supported yet"* ]]
    done
}

@test "cli: --console-socket without a terminal, a terminal without one when detached: one line, exit 2" {
    bundle true
    run rt create --bundle "$BUNDLE" --console-socket /tmp/nosock "$ID"
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"--console-socket: the process has no terminal"* ]]
    config_edit "$BUNDLE" '.process.terminal = true'
    run rt run -d --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"process.terminal needs --console-socket"* ]]
    [ ! -e "$ROOT/$ID" ]
}

@test "cli: --log with --log-format json writes runc's JSON log lines" {
    bundle true
    run "$RUNTIME" --root "$ROOT" --log "$BATS_TEST_TMPDIR/log.json" --log-format json state nosuch
    [ "$status" -ne 0 ]
    [ "$(tail -n1 "$BATS_TEST_TMPDIR/log.json" | jq -r .level)" = error ]
    [[ "$(tail -n1 "$BATS_TEST_TMPDIR/log.json" | jq -r .msg)" == *"does not exist"* ]]
    run "$RUNTIME" --log-format xml list
    [ "$status" -eq 2 ]
}

@test "cli: --debug and --systemd-cgroup are accepted" {
    run "$RUNTIME" --root "$ROOT" --debug --systemd-cgroup list -q
    [ "$status" -eq 0 ]
}

@test "cli: a bad config.json is reported with its path before anything is made" {
    bundle true
    config_edit "$BUNDLE" '.process.user.uid = "root"'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"config.json: process.user.uid"* ]]
    [ ! -e "$ROOT/$ID" ]
    config_edit "$BUNDLE" '.process.user.uid = 0 | .ociVersion = "0.9"'
    run rt create --bundle "$BUNDLE" "$ID"
    [ "$status" -eq 3 ]
    [[ "$output" == *"ociVersion"* ]]
    run rt create --bundle "$BATS_TEST_TMPDIR/nowhere" "$ID"
    [ "$status" -ne 0 ]
    [[ "$output" == *"nowhere"* ]]
}

# runtime_flags COMMAND: every flag of COMMAND, as runc spells them (the help must list each).
runtime_flags() {
    case $1 in
    create) echo --bundle --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds --help ;;
    run) echo --bundle --pid-file --console-socket --no-pivot --no-new-keyring --preserve-fds --detach --help ;;
    kill) echo --all --help ;;
    delete) echo --force --help ;;
    list) echo --format --quiet --help ;;
    spec) echo --bundle --rootless --help ;;
    *) echo --help ;;
    esac
}

@test "cli: help COMMAND and COMMAND --help list every flag with a description" {
    local c f help
    for c in create start run state kill delete list spec features; do
        run "$RUNTIME" help "$c"
        [ "$status" -eq 0 ] || fail "help $c exited $status"
        help=$output
        for f in $(runtime_flags "$c"); do
            [[ "$help" == *"$f"* ]] || fail "help $c lacks $f"
        done
        help_lines_described "$help" || fail "help $c: an option without a description"
        run "$RUNTIME" "$c" --help
        [ "$output" = "$help" ] || fail "$c --help differs from help $c"
    done
    run "$RUNTIME" help
    [ "$status" -eq 0 ]
    for f in --root --log --log-format --debug --systemd-cgroup --rootless --criu --help --version; do
        [[ "$output" == *"$f"* ]] || fail "help lacks global $f"
    done
    [[ "$output" == *"(default: /run/runtime, or \$XDG_RUNTIME_DIR/runtime when not root"* ]]
}

@test "cli: --help and options come anywhere before --" {
    run rt state "$ID" --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "usage: runtime state"* ]]
    run rt delete "$ID" --force
    [ "$status" -eq 0 ]
    run rt kill "$ID" KILL --all
    [ "$status" -eq 4 ]
    [[ "$output" == *"$ID"* ]]
    # options after the flag-less ones: spec --rootless (specs/rootless.md)
    run "$RUNTIME" spec -b "$BATS_TEST_TMPDIR" --rootless
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(jq -r '[.linux.namespaces[].type] | index("user") != null' "$BATS_TEST_TMPDIR/config.json")" = true ]
}

@test "cli: run ID -d -b DIR: options after the id" {
    bundle sh -c 'sleep 100'
    rt run "$ID" -d -b "$BUNDLE"
    [ "$(status_of "$ID")" = running ]
    rt kill "$ID" KILL -a
    wait_status "$ID" stopped
    rt delete "$ID" -f
    run rt state "$ID"
    [ "$status" -eq 4 ]
}

@test "cli: -- ends the options: an id that starts with a dash is an id" {
    run rt state -- --odd
    [ "$status" -ne 0 ] && [ "$status" -ne 2 ]
    [[ "$output" == *"--odd"* ]]
    [[ "$output" != *"unknown option"* ]]
    run rt state --odd
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"unknown option '--odd'"* ]]
}

# check_usage WORD SEE-LINE ARGS...: runtime ARGS is a usage error whose
# first line names WORD and whose second (and last) is SEE-LINE.
check_usage() {
    local word=$1 see=$2
    shift 2
    run "$RUNTIME" "$@"
    [ "$status" -eq 2 ] || fail "$*: status $status"
    [ "${#lines[@]}" -eq 2 ] || fail "$*: ${#lines[@]} lines: $output"
    [[ "${lines[0]}" == "runtime: "*"$word"* ]] || fail "$*: '${lines[0]}' does not name $word"
    [[ "${lines[0]}" != *"$RUNTIME"* ]] || fail "$*: names the program path"
    [ "${lines[1]}" = "$see" ] || fail "$*: '${lines[1]}'"
}

@test "cli: usage errors are one line naming the bad word, then a pointer to the help" {
    check_usage --bogus "see 'runtime --help'" --bogus list
    check_usage xml "see 'runtime --help'" --log-format xml list
    check_usage frobnicate "see 'runtime --help'" frobnicate
    check_usage "no command" "see 'runtime --help'" --root "$ROOT"
    check_usage --bogus "see 'runtime list --help'" list --bogus
    check_usage yaml "see 'runtime list --help'" list --format yaml
    check_usage -z "see 'runtime kill --help'" kill -z "$ID"
    check_usage extra "see 'runtime state --help'" state "$ID" extra
    check_usage CONTAINER_ID "see 'runtime delete --help'" delete
    check_usage "'--preserve-fds'" "see 'runtime run --help'" run "$ID" --preserve-fds
    check_usage "'x'" "see 'runtime create --help'" create --preserve-fds x "$ID"
    check_usage "--debug" "see 'runtime --help'" --debug=yes list
    check_usage nosuch "see 'runtime --help'" help nosuch
}

@test "cli: -v and --version, help and -h" {
    run "$RUNTIME" -v
    [ "$status" -eq 0 ]
    [ "${lines[0]}" = "runtime version 0.1.0" ]
    run "$RUNTIME" --version
    [ "${lines[0]}" = "runtime version 0.1.0" ]
    run "$RUNTIME" help
    local help=$output
    run "$RUNTIME" -h
    [ "$output" = "$help" ]
}

@test "cli: a command's usage error reaches --log too" {
    run "$RUNTIME" --root "$ROOT" --log "$BATS_TEST_TMPDIR/log" --log-format json list --bogus
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"--bogus"* ]]
    [ "$(jq -r 'select(.level == "error") | .msg' "$BATS_TEST_TMPDIR/log")" = "list: unknown option '--bogus'" ]
}
