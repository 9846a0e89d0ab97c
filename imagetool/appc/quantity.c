/* Resource quantities: a decimal number and an optional suffix. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "imagetool/appc/quantity.h"

struct suffix {
    const char *text;
    double factor;
};

static const struct suffix suffixes[] = {
    { "", 1 },           { "m", 1e-3 },       { "k", 1e3 },         { "K", 1e3 },        { "M", 1e6 },
    { "G", 1e9 },        { "T", 1e12 },       { "P", 1e15 },        { "E", 1e18 },       { "Ki", 1024.0 },
    { "Mi", 1048576.0 }, { "Gi", 1073741824.0 }, { "Ti", 1099511627776.0 }, { "Pi", 1125899906842624.0 },
    { "Ei", 1152921504606846976.0 },
};

static int parse_text(const char *s, double *out)
{
    if (!strchr("+-0123456789.", s[0]) || s[0] == '\0')
        return -1;
    char *end;
    double v = strtod(s, &end);
    if (end == s)
        return -1;
    for (size_t i = 0; i < sizeof(suffixes) / sizeof(suffixes[0]); i++) {
        if (strcmp(end, suffixes[i].text) == 0) {
            *out = v * suffixes[i].factor;
            return 0;
        }
    }
    return -1;
}

int appc_quantity(yajl_val v, const char *path, double *out, struct error **err)
{
    if (YAJL_IS_NUMBER(v)) {
        *out = YAJL_GET_DOUBLE(v);
        return 0;
    }
    if (!YAJL_IS_STRING(v) || parse_text(YAJL_GET_STRING(v), out) < 0 || !isfinite(*out) || *out < 0)
        return error_setc(err, EXIT_INVALID, 0, "%s: \"%s\" is not a resource quantity (e.g. 512M, 1Gi, 500m)",
                          path, YAJL_IS_STRING(v) ? YAJL_GET_STRING(v) : "(not a string)");
    return 0;
}
