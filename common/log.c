#include "log.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "cleanup.h"
#include "fs.h"
#include "json.h"
#include "common/xalloc.h"

static int log_fd = -1;
static bool log_json;
static bool log_debug_on;
static const char *program = "runtime";

static const char *const level_names[] = { "error", "warning", "info", "debug" };

void log_set_program(const char *name)
{
    program = name;
}

int log_init(const char *path, bool json, bool debug, struct error **err)
{
    log_json = json;
    log_debug_on = debug;
    if (path == NULL)
        return 0;
    int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0644);
    if (fd < 0)
        return error_set(err, errno, "open log file %s", path);
    log_fd = fd;
    return 0;
}

static void format_time(char *buf, size_t len)
{
    struct timeval tv;
    struct tm tm;
    gettimeofday(&tv, NULL);
    gmtime_r(&tv.tv_sec, &tm);
    size_t n = strftime(buf, len, "%Y-%m-%dT%H:%M:%S", &tm);
    snprintf(buf + n, len - n, ".%06ldZ", (long)tv.tv_usec);
}

static void write_line(int fd, enum log_level level, const char *msg, bool json)
{
    char when[64];
    format_time(when, sizeof(when));
    if (json) {
        CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
        jg_obj_open(g);
        jg_key_str(g, "level", level_names[level]);
        jg_key_str(g, "msg", msg);
        jg_key_str(g, "time", when);
        jg_obj_close(g);
        size_t n;
        const char *text = jg_text(g, &n);
        CLEANUP_FREE char *line = xasprintf("%.*s\n", (int)n, text);
        write_all(fd, line, strlen(line));
    } else if (fd == STDERR_FILENO) {
        CLEANUP_FREE char *line = level == LOG_LVL_ERROR
                                      ? xasprintf("%s: %s\n", program, msg)
                                      : xasprintf("%s: %s: %s\n", program, level_names[level], msg);
        write_all(fd, line, strlen(line));
    } else {
        CLEANUP_FREE char *line = xasprintf("time=\"%s\" level=%s msg=\"%s\"\n", when, level_names[level], msg);
        write_all(fd, line, strlen(line));
    }
}

static void vlog(enum log_level level, const char *fmt, va_list ap)
{
    if (level == LOG_LVL_DEBUG && !log_debug_on)
        return;
    int saved = errno;
    CLEANUP_FREE char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        return;
    if (log_fd >= 0)
        write_line(log_fd, level, msg, log_json);
    else
        write_line(STDERR_FILENO, level, msg, false);
    errno = saved;
}

void log_msg(enum log_level level, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    vlog(level, fmt, ap);
    va_end(ap);
}

int log_error_exit(const struct error *e)
{
    if (e == NULL)
        return 0;
    log_error("%s", e->msg);
    if (log_fd >= 0)
        write_line(STDERR_FILENO, LOG_LVL_ERROR, e->msg, false);
    return error_exit_code(e);
}
