/* json_check_limits and json_parse: depth and size limits at their edges. */
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "tests/unit/tap.h"

static char *nested(size_t n, const char *inner)
{
    size_t len = strlen(inner);
    char *s = malloc(2 * n + len + 1);
    memset(s, '[', n);
    memcpy(s + n, inner, len);
    memset(s + n + len, ']', n);
    s[2 * n + len] = '\0';
    return s;
}

static int parses(const char *text, size_t max, char **msg)
{
    struct error *err = NULL;
    yajl_val v = NULL;
    int rc = json_parse_max(text, strlen(text), max, "t.json", &v, &err);
    if (v)
        yajl_tree_free(v);
    *msg = NULL;
    if (err) {
        *msg = strdup(err->msg);
        rc = err->exit_class;
        error_free(err);
    }
    return rc;
}

int main(void)
{
    char *msg, *s = nested(JSON_MAX_DEPTH, "");
    ok(parses(s, JSON_MAX_SIZE, &msg) == 0, "512 levels parse");
    free(msg);
    free(s);
    s = nested(JSON_MAX_DEPTH + 1, "");
    ok(parses(s, JSON_MAX_SIZE, &msg) == EXIT_INVALID, "513 levels: exit 3");
    is_str(msg, "t.json: JSON nested deeper than 512 levels", "513 levels: the message");
    free(msg);
    free(s);
    s = malloc(JSON_MAX_DEPTH + 4);
    s[0] = '"';
    memset(s + 1, '[', JSON_MAX_DEPTH + 1);
    strcpy(s + JSON_MAX_DEPTH + 2, "\"");
    ok(parses(s, JSON_MAX_SIZE, &msg) == 0, "brackets inside a string do not count");
    free(msg);
    free(s);
    s = nested(1000, "\"\\\"[[[\"");
    ok(parses(s, JSON_MAX_SIZE, &msg) == EXIT_INVALID, "an escaped quote does not end the string");
    free(msg);
    free(s);
    s = nested(100, "{\"a\":{\"b\":[]}}");
    ok(parses(s, JSON_MAX_SIZE, &msg) == 0, "objects and arrays mixed, 103 levels");
    free(msg);
    free(s);
    ok(parses("[1,2,3]", 7, &msg) == 0, "7 bytes under a 7-byte limit");
    free(msg);
    ok(parses("[1,2,3] ", 7, &msg) == EXIT_INVALID && strstr(msg, "larger than 7 bytes"), "8 bytes: refused");
    free(msg);
    return tap_done();
}
