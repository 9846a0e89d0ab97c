/* Log lines as runc writes them: text ("level=error msg=...") or JSON
 * ({"level":"error","msg":"...","time":"..."}), to a file or stderr. */
#ifndef COMMON_LOG_H
#define COMMON_LOG_H

#include <stdbool.h>

#include "error.h"

enum log_level { LOG_LVL_ERROR, LOG_LVL_WARN, LOG_LVL_INFO, LOG_LVL_DEBUG };

/* path NULL: stderr. json: runc's --log-format json. */
int log_init(const char *path, bool json, bool debug, struct error **err);
void log_msg(enum log_level level, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
#define log_error(...) log_msg(LOG_LVL_ERROR, __VA_ARGS__)
#define log_warn(...) log_msg(LOG_LVL_WARN, __VA_ARGS__)
#define log_info(...) log_msg(LOG_LVL_INFO, __VA_ARGS__)
#define log_debug(...) log_msg(LOG_LVL_DEBUG, __VA_ARGS__)
/* The program name that prefixes text lines on stderr. */
void log_set_program(const char *name);
/* Report an error (to the log and, when the log is a file, to stderr too)
 * and return its exit code. */
int log_error_exit(const struct error *e);

#endif
