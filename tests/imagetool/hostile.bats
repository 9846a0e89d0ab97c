#!/usr/bin/env bats
# Hand-made hostile layers (tests/lib/make-hostile-tars.py): whatever they
# carry, apply-layer must not create or change anything outside the target.
# A canary dir sits next to the target; /etc/passwd and /etc/shadow are watched.

load ../lib/helpers

setup() {
    CANARY="$BATS_TEST_TMPDIR/canary"
    ROOT="$BATS_TEST_TMPDIR/root"
    TARS="$BATS_TEST_TMPDIR/tars"
    mkdir -p "$CANARY"
    echo original >"$CANARY/file"
    python3 "$PROJECT_ROOT/tests/lib/make-hostile-tars.py" "$TARS" "$CANARY"
    BEFORE=$(outside_state)
}

teardown() {
    if [ -n "${SWAPPER:-}" ]; then
        touch "$TARS/stop"
        kill "$SWAPPER" 2>/dev/null || true
        wait "$SWAPPER" 2>/dev/null || true
    fi
}

# Everything outside the target that a hostile entry could aim at.
outside_state() {
    (cd "$BATS_TEST_TMPDIR" && find . -mindepth 1 -path ./root -prune -o -path ./tars -prune -o -printf '%p %y %m %n %s\n' | sort)
    sha256sum "$CANARY/file" /etc/passwd
    stat -c '%n %h %i %s %Y' /etc/passwd /etc/shadow
    ls -a / /tmp | grep -E 'escape|pwned' || true
}

assert_outside_unchanged() {
    local after
    after=$(outside_state)
    [ "$BEFORE" = "$after" ] || fail "outside changed: $(diff <(echo "$BEFORE") <(echo "$after"))"
}

# apply CASE MODE: apply TARS/CASE.tar to a fresh ROOT
apply() {
    rm -rf "$ROOT"
    run "$IMAGETOOL" apply-layer --whiteouts "$2" "$TARS/$1.tar" "$ROOT"
}

@test "hostile: '..' entries land inside the target" {
    for mode in apply overlay; do
        apply dotdot $mode
        [ "$status" -eq 0 ] || fail "$output"
        [ -f "$ROOT/dotdot-escape" ] && [ -f "$ROOT/dotdot-escape2" ] && [ -f "$ROOT/canary/pwned" ]
        [ -f "$ROOT/tmp/dotdot-escape3" ]
        assert_outside_unchanged
    done
}

@test "hostile: absolute paths land inside the target" {
    apply absolute apply
    [ "$status" -eq 0 ] || fail "$output"
    [ -f "$ROOT/abs-escape" ]
    [ -f "$ROOT$CANARY/pwned-abs" ]
    assert_outside_unchanged
}

@test "hostile: a symlinked parent to an absolute outside dir resolves inside" {
    apply symlink-parent-abs apply
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(cat "$ROOT$CANARY/pwned")" = pwned ]
    [ "$(readlink "$ROOT/a")" = "$CANARY" ]
    assert_outside_unchanged
}

@test "hostile: a symlinked parent '../canary' resolves inside" {
    apply symlink-parent-rel apply
    [ "$status" -eq 0 ] || fail "$output"
    [ -f "$ROOT/canary/pwned" ]
    assert_outside_unchanged
}

@test "hostile: a -> /etc then a/passwd writes the target's etc/passwd" {
    apply symlink-etc-passwd apply
    [ "$status" -eq 0 ] || fail "$output"
    [ "$(cat "$ROOT/etc/passwd")" = pwned ]
    assert_outside_unchanged
}

@test "hostile: a symlinked parent that resolves to nothing inside is refused" {
    apply symlink-parent-dangling apply
    [ "$status" -eq 3 ]
    [[ "$output" == *"a/pwned: parent directory a"* ]] || fail "$output"
    assert_outside_unchanged
}

@test "hostile: a symlink loop as a parent is refused" {
    apply symlink-loop apply
    [ "$status" -eq 3 ]
    [[ "$output" == *"a/x: parent directory a: Too many levels of symbolic links"* ]] || fail "$output"
    assert_outside_unchanged
}

@test "hostile: a chain of symlinks climbing out stays inside" {
    apply symlink-chain apply
    [ "$status" -eq 0 ] || fail "$output"
    [ -f "$ROOT/chain-escape" ] && [ -f "$ROOT/chain-escape2" ]
    assert_outside_unchanged
}

@test "hostile: hardlinks to /etc/shadow and to the canary are refused" {
    for c in hardlink-shadow hardlink-rel hardlink-abs hardlink-via-symlink; do
        apply $c apply
        [ "$status" -eq 3 ] || fail "$c: $status $output"
        [[ "$output" == *"hardlink target"*"No such file or directory"* ]] || fail "$c: $output"
        assert_outside_unchanged
    done
    [ "$(stat -c %h "$CANARY/file")" -eq 1 ]
}

@test "hostile: a file replacing a symlink to outside does not write through it" {
    apply symlink-then-file apply
    [ "$status" -eq 0 ] || fail "$output"
    [ ! -L "$ROOT/f" ] && [ "$(cat "$ROOT/f")" = inside ]
    [ "$(cat "$CANARY/file")" = original ]
    assert_outside_unchanged
}

@test "hostile: a dir replacing a symlink to outside does not write through it" {
    apply symlink-then-dir apply
    [ "$status" -eq 0 ] || fail "$output"
    [ -d "$ROOT/d" ] && [ ! -L "$ROOT/d" ] && [ -f "$ROOT/d/x" ]
    assert_outside_unchanged
}

@test "hostile: device nodes and fifos named with '..' land inside" {
    apply devices-dotdot apply
    [ "$status" -eq 0 ] || fail "$output"
    [ -c "$ROOT/dev-escape" ] && [ -b "$ROOT/blk-escape" ] && [ -p "$ROOT/canary/fifo-escape" ]
    assert_outside_unchanged
}

@test "hostile: whiteouts aimed outside delete nothing outside (apply mode)" {
    apply whiteout-escape apply
    [ "$status" -eq 0 ] || fail "$output"
    [ -f "$CANARY/file" ]
    assert_outside_unchanged
}

@test "hostile: whiteouts aimed outside write nothing outside (overlay mode)" {
    apply whiteout-escape overlay
    # s -> canary has no counterpart inside: refused before anything is made
    [ "$status" -eq 3 ] || fail "$output"
    [[ "$output" == *"s/.wh.file: parent directory s"* ]] || fail "$output"
    assert_outside_unchanged
}

@test "hostile: 150 randomly damaged hostile layers never crash nor write outside" {
    local mut="$TARS/mut" errf="$TARS/err" t rc
    python3 - "$TARS" "$mut" <<'PY'
import os, random, sys, zlib
src, out = sys.argv[1], sys.argv[2]
os.makedirs(out)
random.seed(1234)
tars = sorted(f for f in os.listdir(src) if f.endswith(".tar"))
for i in range(150):
    b = bytearray(open(os.path.join(src, tars[i % len(tars)]), "rb").read())
    for _ in range(random.randint(1, 8)):
        b[random.randrange(len(b))] = random.randrange(256)
    if i % 3 == 0:
        b = bytearray(zlib.compress(bytes(b))[:-random.randint(0, 20)])  # zlib, maybe cut: not a layer
    open(os.path.join(out, "%03d" % i), "wb").write(bytes(b))
PY
    for t in "$mut"/*; do
        rm -rf "$ROOT"
        rc=0
        "$IMAGETOOL" apply-layer "$t" "$ROOT" 2>"$errf" || rc=$?
        [ "$rc" -lt 128 ] || fail "$(basename "$t"): killed by signal $((rc - 128))"
        ! grep -qE 'Sanitizer|runtime error' "$errf" || fail "$(basename "$t"): $(cat "$errf")"
        [ "$rc" -eq 0 ] || [ "$(wc -l <"$errf")" -eq 1 ] || fail "$(basename "$t"): $(cat "$errf")"
    done
    assert_outside_unchanged
}

@test "hostile: a dir swapped for a symlink to outside while files stream into it" {
    # 3000 files in d/, applied while another process keeps replacing d with
    # a symlink to the canary (and back). Entries may fail; none may land outside.
    python3 - "$TARS/race.tar" <<'PY'
import io, sys, tarfile
with tarfile.open(sys.argv[1], "w") as t:
    ti = tarfile.TarInfo("d"); ti.type = tarfile.DIRTYPE; ti.mode = 0o755; t.addfile(ti)
    for i in range(3000):
        ti = tarfile.TarInfo("d/f%04d" % i); ti.size = 6; t.addfile(ti, io.BytesIO(b"pwned\n"))
PY
    mkdir -p "$ROOT"
    python3 - "$ROOT" "$CANARY" "$TARS/stop" <<'PY' &
import os, sys
root, canary, stop = sys.argv[1:]
d, aside = os.path.join(root, "d"), os.path.join(root, "d.aside")
while not os.path.exists(stop):
    try:
        os.rename(d, aside)
        os.symlink(canary, d)
        os.unlink(d)
        os.rename(aside, d)
    except OSError:
        pass
PY
    SWAPPER=$!
    local i
    for i in 1 2 3; do
        "$IMAGETOOL" apply-layer "$TARS/race.tar" "$ROOT" 2>/dev/null || true
    done
    touch "$TARS/stop"
    wait "$SWAPPER"
    SWAPPER=
    [ "$(ls "$CANARY")" = file ] || fail "canary got: $(ls "$CANARY" | head)"
    assert_outside_unchanged
}
