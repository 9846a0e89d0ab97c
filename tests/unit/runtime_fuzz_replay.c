/* Replays the fuzz seeds and every input the fuzzers ever crashed on
 * (tests/fuzz/regressions/<target>/) through the targets, built here with
 * the normal compiler (and ASan under SANITIZE=1). Run from the project root. */

#include "tests/fuzz/fuzz_spec.c"
#include "tests/unit/fuzz_replay.h"

static int fuzz_child_setup(void)
{
    return 0;
}

int main(void)
{
    replay_dir("tests/fuzz/corpus/spec");
    replay_dir("tests/fuzz/regressions/spec");
    ok(tap_n >= 5, "found the seeds and the regression inputs");
    return tap_done();
}
