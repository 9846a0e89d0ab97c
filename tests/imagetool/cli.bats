#!/usr/bin/env bats
# imagetool's command line: help for every command and flag, options after
# positionals, --, unpack's trailing COMMAND, one-line usage errors, version.

load ../lib/helpers
load unpack_helpers

S() { echo "$BATS_TEST_TMPDIR/store"; }
it() { "$IMAGETOOL" --store "$(S)" "$@"; }

# imagetool_flags COMMAND: every flag of COMMAND (the help must list each).
imagetool_flags() {
    case $1 in
    pull) echo --name --platform --quiet --creds --authfile --tls-verify --help ;;
    unpack) echo --backend --platform --entrypoint --env --user --hostname --read-only --net --cpus \
        --memory --pids-limit --cap-add --cap-drop --seccomp --privileged --creds --authfile --tls-verify \
        --quiet --help ;;
    images) echo --format --help ;;
    inspect) echo --platform --help ;;
    apply-layer) echo --whiteouts --diff-id --help ;;
    *) echo --help ;;
    esac
}

@test "cli: help COMMAND and COMMAND --help list every flag with a description" {
    local c f help
    for c in pull unpack images inspect rm gc umount rm-bundle apply-layer; do
        run "$IMAGETOOL" help "$c"
        [ "$status" -eq 0 ] || fail "help $c exited $status"
        help=$output
        [[ "${lines[0]}" == "usage: imagetool $c"* ]] || fail "help $c: ${lines[0]}"
        for f in $(imagetool_flags "$c"); do
            [[ "$help" == *"$f"* ]] || fail "help $c lacks $f"
        done
        help_lines_described "$help" || fail "help $c: an option without a description"
        run "$IMAGETOOL" "$c" --help
        [ "$output" = "$help" ] || fail "$c --help differs from help $c"
    done
    run "$IMAGETOOL" help
    [ "$status" -eq 0 ]
    for c in pull unpack images inspect rm gc umount rm-bundle apply-layer; do
        [[ "$output" == *"  $c "* ]] || fail "help lacks $c"
    done
    [[ "$output" == *"--store DIR"* ]] && [[ "$output" == *"--debug"* ]] && [[ "$output" == *"--version"* ]]
}

@test "cli: defaults are shown in the help" {
    run "$IMAGETOOL" help unpack
    [[ "$output" == *"--backend copy|overlay|squashfs|erofs"*"(default: the fastest this host supports: erofs, squashfs, overlay, copy)"* ]]
    [[ "$output" == *"--tls-verify[=BOOL]"*"(default: true)"* ]]
    run "$IMAGETOOL" help images
    [[ "$output" == *"(default: table)"* ]]
}

@test "cli: unpack SRC --backend overlay DIR: an option-looking word is never SOURCE or BUNDLE" {
    local b="$BATS_TEST_TMPDIR/b"
    cd "$BATS_TEST_TMPDIR"
    run it unpack "oci:$(demo_image):demo" --backend overlay "$b" -q
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -e "$BATS_TEST_TMPDIR/--backend" ] && [ ! -e "$BATS_TEST_TMPDIR/overlay" ]
    [ "$(cfg "$b" .process.args)" = '["/bin/demo"]' ]
    [ "$(jq -r .backend "$b/.imagetool.json")" = overlay ]
    it rm-bundle "$b"
}

@test "cli: unpack's options end at COMMAND; -- lets a bundle or command start with a dash" {
    local b="$BATS_TEST_TMPDIR/b"
    cd "$BATS_TEST_TMPDIR"
    it unpack -q "oci:$(demo_image):demo" "$b" --hostname h1 sh -c 'echo -q' --hostname
    [ "$(cfg "$b" .process.args)" = '["sh","-c","echo -q","--hostname"]' ]
    [ "$(cfg "$b" .hostname)" = '"h1"' ]
    it unpack -q -- "oci:$(demo_image):demo" --odd --weird
    [ -f "$BATS_TEST_TMPDIR/--odd/config.json" ]
    [ "$(cfg "$BATS_TEST_TMPDIR/--odd" .process.args)" = '["--weird"]' ]
    run it rm-bundle --odd
    [ "$status" -eq 2 ]
    [ -d "$BATS_TEST_TMPDIR/--odd" ]
    it rm-bundle -- --odd
    [ ! -e "$BATS_TEST_TMPDIR/--odd" ]
}

@test "cli: options after positionals for every kind of command" {
    it pull "oci:$(demo_image):demo" --name cli/demo:1 -q
    run it images --format json
    [ "$(echo "$output" | jq -r '.[0].name')" = docker.io/cli/demo:1 ]
    run it inspect cli/demo:1 --platform linux/amd64
    [ "$status" -eq 0 ] || [ "$(uname -m)" != x86_64 ]
    run it rm cli/demo:1 --help
    [ "$status" -eq 0 ]
    [[ "${lines[0]}" == "usage: imagetool rm"* ]]
    run it rm cli/demo:1
    [ "$status" -eq 0 ]
}

# check_usage WORD SEE-LINE ARGS...: imagetool ARGS is a usage error whose
# first line names WORD and whose second (and last) is SEE-LINE.
check_usage() {
    local word=$1 see=$2
    shift 2
    run "$IMAGETOOL" --store "$(S)" "$@"
    [ "$status" -eq 2 ] || fail "$*: status $status: $output"
    [ "${#lines[@]}" -eq 2 ] || fail "$*: ${#lines[@]} lines: $output"
    [[ "${lines[0]}" == "imagetool: "*"$word"* ]] || fail "$*: '${lines[0]}' does not name $word"
    [[ "${lines[0]}" != *"$IMAGETOOL"* ]] || fail "$*: names the program path"
    [ "${lines[1]}" = "$see" ] || fail "$*: '${lines[1]}'"
}

@test "cli: usage errors are one line naming the bad word, then a pointer to the help" {
    check_usage --bogus "see 'imagetool --help'" --bogus images
    check_usage frobnicate "see 'imagetool --help'" frobnicate
    check_usage "no command" "see 'imagetool --help'"
    check_usage yaml "see 'imagetool images --help'" images --format yaml
    check_usage --bogus "see 'imagetool images --help'" images --bogus
    check_usage extra "see 'imagetool images --help'" images extra
    check_usage SOURCE "see 'imagetool pull --help'" pull
    check_usage "'b'" "see 'imagetool pull --help'" pull a b
    check_usage maybe "see 'imagetool pull --help'" pull --tls-verify=maybe x
    check_usage "'--name'" "see 'imagetool pull --help'" pull x --name
    check_usage REF "see 'imagetool inspect --help'" inspect
    check_usage REF "see 'imagetool rm --help'" rm
    check_usage extra "see 'imagetool gc --help'" gc extra
    check_usage BUNDLE "see 'imagetool umount --help'" umount
    check_usage BUNDLE "see 'imagetool rm-bundle --help'" rm-bundle
    check_usage BUNDLE "see 'imagetool unpack --help'" unpack x
    check_usage zfs "see 'imagetool unpack --help'" unpack x --backend zfs y
    check_usage sideways "see 'imagetool apply-layer --help'" apply-layer --whiteouts sideways x y
    check_usage "'-Z'" "see 'imagetool apply-layer --help'" apply-layer x y -Z
    check_usage nosuch "see 'imagetool --help'" help nosuch
    [ ! -e "$(S)" ] || [ -z "$(ls -A "$(S)/blobs/sha256" 2>/dev/null)" ]
}

@test "cli: -v and --version, help and -h" {
    run "$IMAGETOOL" -v
    [ "$status" -eq 0 ]
    [ "$output" = "imagetool version 0.1.0" ]
    run "$IMAGETOOL" --version
    [ "$output" = "imagetool version 0.1.0" ]
    run "$IMAGETOOL" help
    local help=$output
    run "$IMAGETOOL" -h
    [ "$output" = "$help" ]
    run "$IMAGETOOL" --help
    [ "$output" = "$help" ]
}
