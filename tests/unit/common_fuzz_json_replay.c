/* Replays the seeds and regression inputs of the JSON-limits fuzz target
 * (tests/fuzz/fuzz_json.c). Run from the project root. */

#include "tests/fuzz/fuzz_json.c"
#include "tests/unit/fuzz_replay.h"

static int fuzz_child_setup(void)
{
    return 0;
}

int main(void)
{
    replay_dir("tests/fuzz/corpus/json");
    replay_dir("tests/fuzz/regressions/json");
    ok(tap_n >= 4, "found the seeds");
    return tap_done();
}
