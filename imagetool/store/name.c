/* Image names as the store records them: Docker references in full form. */
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/ref.h"
#include "imagetool/store/store_private.h"

/* Source strings ("oci:dir:tag") are names too; "oci:dir" would otherwise
 * read as repository "oci" with tag "dir". */
static bool is_source_string(const char *name)
{
    static const char *const transports[] = { "oci:", "oci-archive:", "docker-archive:", "dir:", "docker:",
                                              "aci:", "appc:" };
    for (size_t i = 0; i < sizeof(transports) / sizeof(transports[0]); i++)
        if (strncmp(name, transports[i], strlen(transports[i])) == 0)
            return true;
    return false;
}

/* "oci:./dir:tag" -> "oci:/abs/dir:tag" as the sources name images; NULL
 * when name is no source string or its path does not exist. */
char *store_source_canonical(const char *name)
{
    const char *colon = strchr(name, ':');
    if (!is_source_string(name) || colon == NULL)
        return NULL;
    CLEANUP_FREE char *whole = realpath(colon + 1, NULL);
    if (whole)
        return xasprintf("%.*s:%s", (int)(colon - name), name, whole);
    const char *tail = strchr(colon + 1, ':');
    if (tail == NULL)
        return NULL;
    CLEANUP_FREE char *path = strndup(colon + 1, (size_t)(tail - colon - 1));
    CLEANUP_FREE char *abs = realpath(path, NULL);
    return abs ? xasprintf("%.*s:%s%s", (int)(colon - name), name, abs, tail) : NULL;
}

/* The reference grammar is ref.c's; a name it refuses is kept as given. */
char *store_name_normalise(const char *name)
{
    if (is_source_string(name))
        return xstrdup(name);
    struct docker_ref ref;
    if (docker_ref_parse(name, &ref, NULL) < 0)
        return xstrdup(name);
    char *full = docker_ref_string(&ref);
    docker_ref_clear(&ref);
    return full;
}
