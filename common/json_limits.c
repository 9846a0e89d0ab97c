/* Limits every JSON document must meet before yajl sees it: a size cap
 * (yajl's tree costs several times the text) and a nesting cap (yajl's
 * parser and tree free recurse once per level: a million '[' crash it). */
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cleanup.h"
#include "common/xalloc.h"
#include "json.h"

static int too_large(const char *what, size_t max, struct error **err)
{
    return error_setc(err, EXIT_INVALID, EFBIG, "%s: JSON document larger than %zu bytes (%zu MiB)", what, max,
                      max >> 20);
}

/* Deepest nesting of arrays and objects, scanning strings (and their
 * escapes) as opaque; stops counting past limit. */
static unsigned nesting_depth(const char *text, size_t len, unsigned limit)
{
    unsigned depth = 0, deepest = 0;
    bool in_string = false;
    for (size_t i = 0; i < len && deepest <= limit; i++) {
        char c = text[i];
        if (in_string) {
            if (c == '\\')
                i++;
            else if (c == '"')
                in_string = false;
        } else if (c == '"') {
            in_string = true;
        } else if (c == '[' || c == '{') {
            if (++depth > deepest)
                deepest = depth;
        } else if ((c == ']' || c == '}') && depth > 0) {
            depth--;
        }
    }
    return deepest;
}

int json_check_limits(const char *text, size_t len, size_t max_size, const char *what, struct error **err)
{
    if (len > max_size)
        return too_large(what, max_size, err);
    if (nesting_depth(text, len, JSON_MAX_DEPTH) > JSON_MAX_DEPTH)
        return error_setc(err, EXIT_INVALID, 0, "%s: JSON nested deeper than %d levels", what, JSON_MAX_DEPTH);
    return 0;
}

int json_read_fd(int fd, const char *what, char **out, size_t *len, struct error **err)
{
    struct stat st;
    if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (uint64_t)st.st_size > JSON_MAX_SIZE)
        return too_large(what, JSON_MAX_SIZE, err);
    size_t cap = 4096, n = 0;
    CLEANUP_FREE char *buf = xmalloc(cap);
    for (;;) {
        if (n + 1 >= cap) {
            if (cap > JSON_MAX_SIZE)
                return too_large(what, JSON_MAX_SIZE, err);
            buf = xrealloc(buf, cap *= 2);
        }
        ssize_t r = read(fd, buf + n, cap - n - 1);
        if (r < 0 && errno == EINTR)
            continue;
        if (r < 0)
            return error_set(err, errno, "%s: read", what);
        if (r == 0)
            break;
        n += (size_t)r;
    }
    if (n > JSON_MAX_SIZE)
        return too_large(what, JSON_MAX_SIZE, err);
    buf[n] = '\0';
    *len = n;
    *out = TAKE_PTR(buf);
    return 0;
}
