/* One error type for the whole project: an errno, an exit class and a
 * message that grows context as it travels up ("config.json: process.args: ..."). */
#ifndef COMMON_ERROR_H
#define COMMON_ERROR_H

#include <stdarg.h>

/* Exit classes: the documented exit codes of both programs (specs/errors.md). */
enum exit_class {
    EXIT_FAIL = 1,       /* anything not covered below; also runc's generic code */
    EXIT_USAGE = 2,      /* bad command line */
    EXIT_INVALID = 3,    /* bad input: malformed JSON, bad reference, corrupt tar, digest mismatch */
    EXIT_NOTFOUND = 4,   /* container, image, blob or file does not exist */
    EXIT_PERM = 5,       /* missing privileges or a refused operation */
    EXIT_NETWORK = 6,    /* registry or network failure */
    EXIT_STATE = 7,      /* wrong state: exists already, not running, locked */
};

struct error {
    int errnum;          /* errno at the failure, 0 if none */
    int exit_class;      /* one of enum exit_class */
    char *msg;           /* full message, context first */
};

#define CLEANUP(fn) __attribute__((cleanup(fn)))

/* The rule for every function taking `struct error **err`: err may be NULL
 * (the caller does not want the message); a function that must look at an
 * error before passing it on collects it in a local error and hands it over
 * with error_move, never dereferencing err itself. */

/* Set *err (if err is non-NULL) and return -1. errnum may be 0. A message
 * with errnum != 0 gets ": strerror(errnum)" appended. */
int error_set(struct error **err, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Same with an explicit exit class. */
int error_setc(struct error **err, int exit_class, int errnum, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));
/* Prefix existing error with context: "context: old message". Returns -1. */
int error_prefix(struct error **err, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int error_vset(struct error **err, int exit_class, int errnum, const char *fmt, va_list ap);

/* Hand *src over to *dst (replacing what was there), or free it when dst is
 * NULL; *src becomes NULL. Returns -1. */
int error_move(struct error **dst, struct error **src);

void error_free(struct error *e);
void error_cleanup(struct error **e);
#define CLEANUP_ERROR CLEANUP(error_cleanup)

/* Exit code for an error (its class, or EXIT_FAIL). */
int error_exit_code(const struct error *e);

#endif
