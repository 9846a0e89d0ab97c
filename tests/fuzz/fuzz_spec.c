/* libFuzzer target: config.json through the parser the runtime uses
 * (json_parse, spec_parse_tree), the security validation, and back out:
 * what the parser accepts must emit, re-parse and emit the same text.
 *
 * fuzz-sources: common runtime/security
 * fuzz-libs: libseccomp libcap yajl nettle
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/spec.h"
#include "runtime/security/security.h"

static char *emit_text(const struct spec *s)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    spec_emit(s, g);
    size_t len = 0;
    const char *text = jg_text(g, &len);
    return strndup(text, len);
}

static struct spec *parse_text(const char *text, size_t len)
{
    struct error *err = NULL;
    CLEANUP_JSON yajl_val root = NULL;
    struct spec *s = NULL;
    if (json_parse(text, len, "config.json", &root, &err) < 0 || spec_parse_tree(root, "config.json", &s, &err) < 0) {
        /* A refusal must carry a message and the invalid-input class. */
        if (err == NULL || err->msg == NULL || err->msg[0] == '\0')
            abort();
        error_free(err);
        return NULL;
    }
    if (err != NULL)
        abort(); /* success with an error left behind: a swallowed failure */
    return s;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    static int quiet;
    if (!quiet++)
        log_init("/dev/null", false, false, NULL);
    CLEANUP_SPEC struct spec *s = parse_text((const char *)data, size);
    if (s == NULL)
        return 0;
    struct error *err = NULL;
    security_validate(s, &err);
    error_free(err);
    CLEANUP_FREE char *first = emit_text(s);
    CLEANUP_SPEC struct spec *again = parse_text(first, strlen(first));
    if (again == NULL)
        abort(); /* we emitted something we refuse to read */
    CLEANUP_FREE char *second = emit_text(again);
    if (strcmp(first, second) != 0)
        abort(); /* emit/parse is not a fixed point */
    return 0;
}
