/* NULL-terminated string vectors. */
#include "common/strv.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

size_t strv_len(char *const *v)
{
    size_t n = 0;
    while (v && v[n])
        n++;
    return n;
}

bool strv_contains(char *const *v, const char *s)
{
    for (; v && *v; v++)
        if (strcmp(*v, s) == 0)
            return true;
    return false;
}

char **strv_copy(const char *const *v)
{
    if (v == NULL)
        return NULL;
    size_t n = strv_len((char *const *)v);
    char **out = xcalloc(n + 1, sizeof(char *));
    for (size_t i = 0; i < n; i++)
        out[i] = xstrdup(v[i]);
    return out;
}

void strv_append(char ***v, const char *s)
{
    size_t n = strv_len(*v);
    *v = xrealloc(*v, (n + 2) * sizeof(char *));
    (*v)[n] = xstrdup(s);
    (*v)[n + 1] = NULL;
}

char *strv_join(char *const *v, const char *sep)
{
    size_t len = 1, seplen = strlen(sep);
    for (size_t i = 0; v && v[i]; i++)
        len += strlen(v[i]) + (i ? seplen : 0);
    char *out = xmalloc(len), *p = out;
    for (size_t i = 0; v && v[i]; i++) {
        if (i)
            p = stpcpy(p, sep);
        p = stpcpy(p, v[i]);
    }
    *p = '\0';
    return out;
}

void strv_free(char **v)
{
    cleanup_strvp(&v);
}
