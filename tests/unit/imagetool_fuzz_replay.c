/* Replays the layer fuzz seeds and every input the layer fuzzer ever
 * crashed on (tests/fuzz/regressions/layer/) through the target, in the
 * target's own sandbox (private /tmp, nobody). Run from the project root. */

#include "tests/fuzz/fuzz_layer.c"
#include "tests/unit/fuzz_replay.h"

static int fuzz_child_setup(void)
{
    return fuzz_layer_sandbox();
}

int main(void)
{
    if (geteuid() != 0)
        return tap_skip_all("the layer sandbox needs root");
    replay_dir("tests/fuzz/corpus/layer");
    replay_dir("tests/fuzz/regressions/layer");
    ok(tap_n >= 4, "found the seeds and the regression inputs");
    return tap_done();
}
