#include "imagetool/backend/overlay_context.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

char *overlay_lower_list(char *const *lower)
{
    size_t len = 1;
    for (char *const *l = lower; *l; l++)
        len += 2 * strlen(*l) + 1;
    char *out = xmalloc(len), *o = out;
    for (char *const *l = lower; *l; l++) {
        if (l != lower)
            *o++ = ':';
        for (const char *c = *l; *c; c++) {
            if (*c == ':' || *c == ',' || *c == '\\')
                *o++ = '\\';
            *o++ = *c;
        }
    }
    *o = '\0';
    return out;
}

/* The kernel's own explanation, queued on the fs context ("e overlayfs: ..."). */
static char *context_message(int fsfd)
{
    char buf[512];
    ssize_t n = read(fsfd, buf, sizeof(buf) - 1);
    if (n <= 2)
        return NULL;
    buf[n] = '\0';
    buf[strcspn(buf, "\n")] = '\0';
    return xstrdup(buf + 2);
}

static int set(int fsfd, const char *key, const char *value)
{
    return fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0);
}

int overlay_context_create(const struct overlay_params *p, char **msg)
{
    int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return -1;
    int r = 0;
    for (char *const *l = p->lower; r == 0 && *l; l++)
        r = set(fsfd, "lowerdir+", *l);
    if (r == 0 && p->upper)
        r = set(fsfd, "upperdir", p->upper);
    if (r == 0 && p->work)
        r = set(fsfd, "workdir", p->work);
    if (r == 0 && p->userxattr)
        r = fsconfig(fsfd, FSCONFIG_SET_FLAG, "userxattr", NULL, 0);
    if (r == 0)
        r = fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0);
    if (r == 0)
        return fsfd;
    int e = errno;
    if (msg)
        *msg = context_message(fsfd);
    close(fsfd);
    errno = e;
    return -1;
}

int overlay_context(const struct overlay_params *p, const char *what, bool *explained, struct error **err)
{
    CLEANUP_FREE char *msg = NULL;
    int fsfd = overlay_context_create(p, &msg);
    if (explained)
        *explained = msg != NULL;
    if (fsfd >= 0 || errno == ENOSYS)
        return fsfd;
    if (msg)
        return error_set(err, errno, "%s: %s", what, msg);
    return error_set(err, errno, "%s", what);
}
