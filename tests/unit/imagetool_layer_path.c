/* Entry name cleaning (nothing can climb above the target) and the set of
 * paths a layer carries (for opaque dirs). TAP output. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "imagetool/layer/internal.h"
#include "tests/unit/tap.h"

static void check_clean(const char *in, const char *want)
{
    struct layer_path p = { 0 };
    layer_path_set(&p, in);
    char *got = layer_path_join(&p, p.n);
    is_str(got, want, "clean '%s'", in);
    free(got);
    layer_path_free(&p);
}

int main(void)
{
    check_clean("a/b/c", "a/b/c");
    check_clean("./a/./b/", "a/b");
    check_clean("/abs/path", "abs/path");
    check_clean("../../etc/passwd", "etc/passwd");
    check_clean("a/../../b", "b");
    check_clean("a/b/../c", "a/c");
    check_clean("//a//b", "a/b");
    check_clean("./", "");
    check_clean("..", "");
    check_clean("...", "...");
    check_clean(".wh..wh..opq", ".wh..wh..opq");

    struct path_set *s = path_set_new();
    path_set_add(s, "d/sub/new2");
    ok(path_set_has(s, "d/sub/new2"), "set has the path");
    ok(path_set_has(s, "d/sub") && path_set_has(s, "d"), "set has its ancestors");
    ok(!path_set_has(s, "d/su") && !path_set_has(s, "d/sub/new"), "set has no prefixes that are not components");
    for (int i = 0; i < 5000; i++) {
        char buf[64];
        snprintf(buf, sizeof(buf), "dir%d/file%d", i % 50, i);
        path_set_add(s, buf);
    }
    ok(path_set_has(s, "dir7/file4957") && path_set_has(s, "dir49"), "set survives growth");
    ok(!path_set_has(s, "dir50"), "set misses what was never added");
    ok(!path_set_has(s, ""), "set does not hold the root");
    path_set_free(s);
    return tap_done();
}
