/* Reading /etc/passwd and /etc/group of an image: parsers for one line and a
 * safe read beneath the rootfs. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "imagetool/config/user.h"

#define ETC_FILE_MAX (8u << 20)

int parse_id(const char *s, uint32_t *out)
{
    if (!s || *s < '0' || *s > '9')
        return -1;
    errno = 0;
    char *end;
    unsigned long long v = strtoull(s, &end, 10);
    if (errno || *end || v > UINT32_MAX)
        return -1;
    *out = (uint32_t)v;
    return 0;
}

/* Split line on ':' into at most n fields; returns the number found. */
static size_t split_colons(char *line, char **fields, size_t n)
{
    size_t i = 0;
    fields[i++] = line;
    for (char *p = line; *p && i < n; p++) {
        if (*p == ':') {
            *p = '\0';
            fields[i++] = p + 1;
        }
    }
    return i;
}

static bool is_entry_line(const char *line)
{
    return *line && *line != '#' && *line != '+' && *line != '-';
}

int passwd_parse_line(char *line, struct passwd_entry *out)
{
    char *f[7];
    size_t n;
    if (!is_entry_line(line) || (n = split_colons(line, f, 7)) < 4)
        return -1;
    if (parse_id(f[2], &out->uid) < 0 || parse_id(f[3], &out->gid) < 0)
        return -1;
    out->name = f[0];
    out->home = n > 5 && *f[5] ? f[5] : NULL;
    return 0;
}

int group_parse_line(char *line, struct group_entry *out)
{
    char *f[4];
    size_t n;
    if (!is_entry_line(line) || (n = split_colons(line, f, 4)) < 3)
        return -1;
    if (parse_id(f[2], &out->gid) < 0)
        return -1;
    out->name = f[0];
    out->members = n > 3 ? f[3] : "";
    return 0;
}

/* Reopen an O_PATH fd of a regular file for reading, through /proc: no
 * path lookup happens again, so nothing can be swapped in between. */
static int reopen_for_read(int pathfd)
{
    char proc[64];
    snprintf(proc, sizeof(proc), "/proc/self/fd/%d", pathfd);
    return open(proc, O_RDONLY | O_NOCTTY | O_CLOEXEC);
}

int etc_file_read(int rootfd, const char *path, char **out, struct error **err)
{
    *out = NULL;
    /* O_PATH first: a hostile image may make it a fifo or a device node,
     * which must not be opened at all (a fifo would block, a device open
     * can have effects). Only a regular file is reopened for reading. */
    CLEANUP_CLOSE int pathfd = open_in_root(rootfd, path, O_PATH | O_CLOEXEC, 0);
    if (pathfd < 0) {
        if (errno == ENOENT || errno == ENOTDIR)
            return 0;
        return error_setc(err, EXIT_INVALID, errno, "rootfs %s", path);
    }
    struct stat st;
    if (fstat(pathfd, &st) < 0)
        return error_set(err, errno, "rootfs %s", path);
    if (!S_ISREG(st.st_mode))
        return error_setc(err, EXIT_INVALID, 0, "rootfs %s: not a regular file", path);
    if ((uint64_t)st.st_size > ETC_FILE_MAX)
        return error_setc(err, EXIT_INVALID, 0, "rootfs %s: larger than %u bytes", path, ETC_FILE_MAX);
    CLEANUP_CLOSE int fd = reopen_for_read(pathfd);
    if (fd < 0)
        return error_set(err, errno, "rootfs %s: reopen", path);
    size_t len;
    if (read_all_fd(fd, out, &len, err) < 0)
        return error_prefix(err, "rootfs %s", path);
    return 0;
}
