/* Paths inside an image archive, made canonical: "./a//b" is "a/b". An entry
 * name may not use ".." at all; a link target may, as long as it stays in
 * the archive. */
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/sources/archive_path.h"

/* Append path's components to out (holding a canonical path), resolving
 * "..", which fails (-1) when it would climb above the root. */
static int append_components(char *out, const char *path, bool allow_dotdot)
{
    CLEANUP_FREE char *copy = xstrdup(path);
    char *save = NULL;
    for (char *c = strtok_r(copy, "/", &save); c; c = strtok_r(NULL, "/", &save)) {
        if (strcmp(c, ".") == 0)
            continue;
        if (strcmp(c, "..") == 0) {
            char *slash = strrchr(out, '/');
            if (!allow_dotdot || out[0] == '\0')
                return -1;
            if (slash)
                *slash = '\0';
            else
                out[0] = '\0';
            continue;
        }
        if (out[0])
            strcat(out, "/");
        strcat(out, c);
    }
    return 0;
}

char *archive_path_normalise(const char *path)
{
    char *out = xcalloc(1, strlen(path) + 1);
    if (append_components(out, path, false) < 0) {
        free(out);
        return NULL;
    }
    return out;
}

char *archive_link_resolve(const char *entry_path, const char *target)
{
    if (target[0] == '/')
        return NULL;
    char *out = xcalloc(1, strlen(entry_path) + strlen(target) + 2);
    strcpy(out, entry_path);
    char *slash = strrchr(out, '/');
    if (slash)
        *slash = '\0';
    else
        out[0] = '\0';
    if (append_components(out, target, true) < 0) {
        free(out);
        return NULL;
    }
    return out;
}
