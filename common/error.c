#include "error.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static char *format_message(int errnum, const char *fmt, va_list ap)
{
    char *base = NULL, *full = NULL;
    if (vasprintf(&base, fmt, ap) < 0)
        return NULL;
    if (errnum == 0)
        return base;
    if (asprintf(&full, "%s: %s", base, strerror(errnum)) < 0)
        full = NULL;
    free(base);
    return full;
}

int error_vset(struct error **err, int exit_class, int errnum, const char *fmt, va_list ap)
{
    if (err == NULL)
        return -1;
    struct error *e = calloc(1, sizeof(*e));
    if (e == NULL)
        abort();
    e->errnum = errnum;
    e->exit_class = exit_class;
    e->msg = format_message(errnum, fmt, ap);
    if (e->msg == NULL)
        abort();
    error_free(*err);
    *err = e;
    return -1;
}

int error_set(struct error **err, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int class = errnum == EPERM || errnum == EACCES ? EXIT_PERM
              : errnum == ENOENT ? EXIT_NOTFOUND : EXIT_FAIL;
    error_vset(err, class, errnum, fmt, ap);
    va_end(ap);
    return -1;
}

int error_setc(struct error **err, int exit_class, int errnum, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    error_vset(err, exit_class, errnum, fmt, ap);
    va_end(ap);
    return -1;
}

int error_prefix(struct error **err, const char *fmt, ...)
{
    if (err == NULL || *err == NULL)
        return -1;
    char *ctx = NULL, *joined = NULL;
    va_list ap;
    va_start(ap, fmt);
    int n = vasprintf(&ctx, fmt, ap);
    va_end(ap);
    if (n < 0 || asprintf(&joined, "%s: %s", ctx, (*err)->msg) < 0)
        abort();
    free(ctx);
    free((*err)->msg);
    (*err)->msg = joined;
    return -1;
}

int error_move(struct error **dst, struct error **src)
{
    struct error *e = *src;
    *src = NULL;
    if (dst == NULL) {
        error_free(e);
        return -1;
    }
    if (*dst != e)
        error_free(*dst);
    *dst = e;
    return -1;
}

void error_free(struct error *e)
{
    if (e == NULL)
        return;
    free(e->msg);
    free(e);
}

void error_cleanup(struct error **e)
{
    error_free(*e);
    *e = NULL;
}

int error_exit_code(const struct error *e)
{
    if (e == NULL)
        return 0;
    return e->exit_class > 0 ? e->exit_class : EXIT_FAIL;
}
