#!/usr/bin/env bats
# make install and uninstall: binaries, a manual page per program and per
# command (rendered by man), and bash/zsh completion generated from the
# programs' own command tables.

load ../lib/helpers

setup() {
    DEST=$BATS_TEST_TMPDIR/dest
}

install_into() {
    run make -s -C "$PROJECT_ROOT" BUILD="$BUILD_DIR" SANITIZE="$SANITIZE" install DESTDIR="$DEST" PREFIX=/usr
    [ "$status" -eq 0 ] || fail "make install: $output"
}

@test "install: binaries, a man page for each program and command, completion" {
    install_into
    [ -x "$DEST/usr/bin/runtime" ] && [ -x "$DEST/usr/bin/imagetool" ]
    local p c
    for p in runtime imagetool; do
        [ -f "$DEST/usr/share/man/man1/$p.1" ] || fail "no $p.1"
        for c in $("$DEST/usr/bin/$p" help --commands); do
            [ -f "$DEST/usr/share/man/man1/$p-$c.1" ] || fail "no $p-$c.1"
        done
        [ -f "$DEST/usr/share/bash-completion/completions/$p" ] || fail "no bash completion for $p"
        [ -f "$DEST/usr/share/zsh/vendor-completions/_$p" ] || fail "no zsh completion for $p"
    done
    [ "$("$DEST/usr/bin/runtime" help --commands | wc -l)" -ge 9 ]
}

@test "install: man -l renders every page without warnings" {
    install_into
    local f
    for f in "$DEST"/usr/share/man/man1/*.1; do
        run groff -man -ww -z "$f"
        [ "$status" -eq 0 ] && [ -z "$output" ] || fail "$f: $output"
        run env MANWIDTH=80 man -l "$f"
        [ "$status" -eq 0 ] || fail "man -l $f: $output"
    done
    run env MANWIDTH=100 man -l "$DEST/usr/share/man/man1/runtime-run.1"
    [[ "$output" == *"runtime-run - create and start a container"* ]]
    [[ "$output" == *"--bundle DIR"* ]]
    run env MANWIDTH=100 man -l "$DEST/usr/share/man/man1/imagetool.1"
    [[ "$output" == *"EXIT STATUS"* ]]
    [[ "$output" == *"--store"* ]]
}

@test "install: every flag of every command's --help is in its man page" {
    install_into
    local p c flag page
    for p in runtime imagetool; do
        for c in $("$DEST/usr/bin/$p" help --commands); do
            page=$(MANWIDTH=200 man -l "$DEST/usr/share/man/man1/$p-$c.1" 2>/dev/null)
            for flag in $("$DEST/usr/bin/$p" "$c" --help | grep -oE -- '--[a-z][a-z0-9-]*' | sort -u); do
                [[ "$page" == *"$flag"* ]] || fail "$p-$c.1 lacks $flag"
            done
        done
    done
}

# complete WORDS...: what the installed bash completion offers for the last word.
complete_words() {
    local prog=$1
    shift
    bash -c 'source "$1"; shift; COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1)); _'"$prog"'_complete; printf "%s\n" "${COMPREPLY[@]}"' \
        _ "$DEST/usr/share/bash-completion/completions/$prog" "$@"
}

@test "install: bash completion offers commands, each command's flags, and files for values" {
    install_into
    run complete_words runtime runtime --root /x ex
    [ "$output" = exec ]
    run complete_words runtime runtime run --b
    [ "$output" = --bundle ]
    run complete_words imagetool imagetool unpack --back
    [ "$output" = --backend ]
    run complete_words imagetool imagetool --st
    [ "$output" = --store ]
    touch "$BATS_TEST_TMPDIR/bundle-marker"
    run complete_words runtime runtime run -b "$BATS_TEST_TMPDIR/bundle-m"
    [ "$output" = "$BATS_TEST_TMPDIR/bundle-marker" ]
    run complete_words runtime runtime help de
    [ "$output" = delete ]
}

@test "install: help --man and --completion refuse what they do not know" {
    run "$RUNTIME" help --man nosuch
    [ "$status" -eq 2 ]
    [[ "$output" == *"unknown command 'nosuch'"* ]]
    run "$IMAGETOOL" help --completion fish
    [ "$status" -eq 2 ]
    [[ "${lines[0]}" == *"expected bash or zsh, got 'fish'"* ]]
}

@test "uninstall removes everything install put there" {
    install_into
    run make -s -C "$PROJECT_ROOT" BUILD="$BUILD_DIR" SANITIZE="$SANITIZE" uninstall DESTDIR="$DEST" PREFIX=/usr
    [ "$status" -eq 0 ] || fail "make uninstall: $output"
    run find "$DEST" -type f
    [ -z "$output" ] || fail "left behind: $output"
}
