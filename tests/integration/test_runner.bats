#!/usr/bin/env bats
# tests/run decides by what ran, not only by counting "not ok" lines.

setup() {
    RUN="$PROJECT_ROOT/tests/run"
    d=$BATS_TEST_TMPDIR
}

suite() {  # suite NAME BODY: a bats file in the test's temp dir
    printf '%s\n' "$2" >"$d/$1.bats"
}

run_suite() {  # run_suite NAME BODY: tests/run on that one suite
    suite "$1" "$2"
    SUITES="$d/$1.bats" run "$RUN"
}

@test "tests/run: passing and skipping suites give status 0 and the summary line" {
    run_suite good $'@test "a" { true; }\n@test "b" { skip "../shared/images/real is absent"; }\n@test "c" { skip "no qemu"; }'
    [ "$status" -eq 0 ]
    [[ "$output" == *"check: 1 passed, 0 failed, 2 skipped (1 of them: ../shared is absent)"* ]]
}

@test "tests/run: a failing test fails the run" {
    run_suite bad $'@test "a" { false; }'
    [ "$status" -ne 0 ]
    [[ "$output" == *"check: 0 passed, 1 failed, 0 skipped"* ]]
}

@test "tests/run: a suite that dies before its plan is run through fails the run" {
    run_suite dies $'@test "a" { true; }\n@test "b" { kill -9 $PPID; }\n@test "c" { true; }'
    [ "$status" -ne 0 ]
    [[ "$output" == *"dies.bats ran 2 of the 3 tests it planned"* ]]
}

@test "tests/run: a suite that does not parse, or does not exist, fails the run" {
    suite broken $'@test "a" {\n  if true; then\n}'
    SUITES="$d/broken.bats $d/missing.bats" run "$RUN"
    [ "$status" -ne 0 ]
    [[ "$output" == *"suite $d/missing.bats does not exist"* ]]
    [[ "$output" == *"broken.bats"* ]]
}

@test "tests/run: a unit binary that crashes after passing lines fails the run" {
    printf '#!/bin/sh\necho 1..2\necho "ok 1 - one"\nkill -SEGV $$\n' >"$d/unit"
    chmod +x "$d/unit"
    SUITES="$d/none.bats" run "$RUN" "$d/unit"
    [ "$status" -ne 0 ]
    [[ "$output" == *"$d/unit ran 1 of the 2 tests it planned"* ]]
}

@test "tests/run: nothing to run is a failure" {
    SUITES=" " run "$RUN"
    [ "$status" -ne 0 ]
    [[ "$output" == *"nothing ran"* ]]
}
