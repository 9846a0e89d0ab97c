/* libFuzzer target: the JSON limits of common/json_limits.c. Each input is
 * parsed as it is and wrapped in 400 to 910 levels of arrays (from its
 * first byte), across the 512-level limit, under a size limit just above
 * or just below its length (from its second byte). A document over either
 * limit must be refused with the limit's message; one within both must
 * parse or be refused as malformed; nothing may crash (yajl recurses once
 * per level).
 *
 * fuzz-sources: common
 * fuzz-libs: yajl nettle
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"

/* Depth by the simplest rule: brackets outside strings, escapes skipped. */
static unsigned reference_depth(const char *s, size_t len)
{
    unsigned d = 0, max = 0;
    int str = 0;
    for (size_t i = 0; i < len; i++) {
        if (str && s[i] == '\\')
            i++;
        else if (s[i] == '"')
            str = !str;
        else if (!str && (s[i] == '[' || s[i] == '{'))
            max = ++d > max ? d : max;
        else if (!str && (s[i] == ']' || s[i] == '}') && d)
            d--;
    }
    return max;
}

static void check(const char *text, size_t len, size_t max)
{
    struct error *err = NULL;
    yajl_val v = NULL;
    int rc = json_parse_max(text, len, max, "fuzz.json", &v, &err);
    if (v)
        yajl_tree_free(v);
    if (len > max) {
        if (rc == 0 || !strstr(err->msg, "JSON document larger than"))
            abort();
    } else if (reference_depth(text, len) > JSON_MAX_DEPTH) {
        if (rc == 0 || !strstr(err->msg, "JSON nested deeper than 512 levels"))
            abort();
    } else if (rc != 0 && (err == NULL || err->exit_class != EXIT_INVALID)) {
        abort();
    }
    error_free(err);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 2)
        return 0;
    size_t levels = 400 + 2 * (size_t)data[0];
    size_t max = data[1] & 1 ? size - 2 : size - 3;
    const char *body = (const char *)data + 2;
    size_t blen = size - 2;
    check(body, blen, max);
    size_t wlen = 2 * levels + blen;
    CLEANUP_FREE char *wrapped = malloc(wlen);
    memset(wrapped, '[', levels);
    memcpy(wrapped + levels, body, blen);
    memset(wrapped + levels + blen, ']', levels);
    check(wrapped, wlen, data[1] & 2 ? wlen : wlen - 1);
    return 0;
}
