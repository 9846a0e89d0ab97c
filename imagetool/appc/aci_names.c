/* Entry names inside an ACI: "manifest" and "rootfs/..." */
#include <string.h>

#include "imagetool/appc/aci_names.h"

const char *aci_name_clean(const char *name)
{
    for (;;) {
        if (name[0] == '/')
            name++;
        else if (name[0] == '.' && name[1] == '/')
            name += 2;
        else
            return name;
    }
}

bool aci_name_has_dotdot(const char *name)
{
    const char *p = name;
    while (*p) {
        size_t n = strcspn(p, "/");
        if (n == 2 && p[0] == '.' && p[1] == '.')
            return true;
        p += n;
        while (*p == '/')
            p++;
    }
    return false;
}

const char *aci_rootfs_path(const char *clean)
{
    if (strncmp(clean, "rootfs", 6) != 0)
        return NULL;
    if (clean[6] == '\0')
        return clean + 6;
    if (clean[6] != '/')
        return NULL;
    const char *p = clean + 7;
    while (*p == '/')
        p++;
    return p;
}
