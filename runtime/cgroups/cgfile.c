/* Reading and writing single cgroup control files. */
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/fs.h"

int cg_write(const char *dir, const char *file, const char *value, struct error **err)
{
    CLEANUP_FREE char *path = path_join(dir, file);
    CLEANUP_CLOSE int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "write %s to %s", value, path);
    /* A control file takes one value per write(2); a short write is an error. */
    size_t len = strlen(value);
    ssize_t w;
    do
        w = write(fd, value, len);
    while (w < 0 && errno == EINTR);
    if (w < 0)
        return error_set(err, errno, "write %s to %s", value, path);
    if ((size_t)w != len)
        return error_set(err, EIO, "write %s to %s: short write", value, path);
    return 0;
}

int cg_writef(const char *dir, const char *file, struct error **err, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    CLEANUP_FREE char *value = NULL;
    int n = vasprintf(&value, fmt, ap);
    va_end(ap);
    if (n < 0)
        abort();
    return cg_write(dir, file, value, err);
}

int cg_read(const char *dir, const char *file, char **out, struct error **err)
{
    CLEANUP_FREE char *path = path_join(dir, file);
    char *text = NULL;
    if (read_file(path, &text, NULL, err) < 0)
        return -1;
    size_t len = strlen(text);
    while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
        text[--len] = '\0';
    *out = text;
    return 0;
}

int cg_read_u64(const char *dir, const char *file, uint64_t *out, struct error **err)
{
    CLEANUP_FREE char *text = NULL;
    if (cg_read(dir, file, &text, err) < 0)
        return -1;
    if (strcmp(text, "max") == 0 || strcmp(text, "-1") == 0) {
        *out = UINT64_MAX;
        return 0;
    }
    char *end;
    errno = 0;
    unsigned long long v = strtoull(text, &end, 10);
    if (errno != 0 || end == text || *end != '\0')
        return error_set(err, 0, "%s/%s: not a number: %s", dir, file, text);
    *out = v;
    return 0;
}

bool cg_has(const char *dir, const char *file)
{
    CLEANUP_FREE char *path = path_join(dir, file);
    return access(path, F_OK) == 0;
}

int cg_check_page_size(const char *size, struct error **err)
{
    /* It becomes part of a file name: "hugetlb.<size>.max". */
    if (size == NULL || *size == '\0' || strpbrk(size, "/.") != NULL)
        return error_setc(err, EXIT_INVALID, 0, "linux.resources.hugepageLimits: bad pageSize \"%s\"",
                          size ? size : "");
    return 0;
}

int cg_attach(const char *dir, pid_t pid, struct error **err)
{
    return cg_writef(dir, "cgroup.procs", err, "%d", (int)pid);
}
