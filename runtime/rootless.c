/* The runtime as an ordinary user: the --rootless flag, the state root and
 * the config checks. Maps and cgroups: rootless_maps.c, rootless_cgroup.c. */
#include "runtime/rootless.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"

enum rootless_flag { ROOTLESS_AUTO, ROOTLESS_TRUE, ROOTLESS_FALSE };
static enum rootless_flag flag = ROOTLESS_AUTO;

int rootless_set_flag(const char *value, struct error **err)
{
    if (strcmp(value, "auto") == 0)
        flag = ROOTLESS_AUTO;
    else if (strcmp(value, "true") == 0)
        flag = ROOTLESS_TRUE;
    else if (strcmp(value, "false") == 0)
        flag = ROOTLESS_FALSE;
    else
        return error_setc(err, EXIT_USAGE, 0, "--rootless: expected auto, true or false, got '%s'", value);
    return 0;
}

bool rootless_mode(void)
{
    return flag == ROOTLESS_TRUE || (flag == ROOTLESS_AUTO && geteuid() != 0);
}


/* runc's shouldUseRootlessCgroupManager: root inside a user namespace (as
 * under rootless podman) cannot know that it may write the host's cgroups. */
bool rootless_cgroups(void)
{
    if (flag != ROOTLESS_AUTO)
        return flag == ROOTLESS_TRUE;
    return geteuid() != 0 || rootless_in_user_namespace();
}

bool rootless_lenient(void)
{
    return flag == ROOTLESS_TRUE;
}

/* The initial user namespace maps all 2^32 ids onto themselves. */
bool rootless_in_user_namespace(void)
{
    CLEANUP_FCLOSE FILE *f = fopen("/proc/self/uid_map", "re");
    unsigned long inside, outside, count;
    if (f == NULL || fscanf(f, "%lu %lu %lu", &inside, &outside, &count) != 3)
        return false;
    return !(inside == 0 && outside == 0 && count == 4294967295UL);
}

/* runc's shouldHonorXDGRuntimeDir. */
static bool honour_xdg_runtime_dir(void)
{
    const char *xdg = getenv("XDG_RUNTIME_DIR");
    if (xdg == NULL || *xdg == '\0')
        return false;
    if (geteuid() != 0)
        return true;
    if (!rootless_in_user_namespace())
        return false; /* the real root keeps /run/runtime, whatever /run/user/0 says */
    const char *user = getenv("USER");
    return user == NULL || strcmp(user, "root") != 0;
}

const char *rootless_state_root(void)
{
    static char *root;
    if (root == NULL)
        root = honour_xdg_runtime_dir() ? path_join(getenv("XDG_RUNTIME_DIR"), "runtime") : xstrdup("/run/runtime");
    return root;
}

int rootless_check_config(const struct spec *s, struct error **err)
{
    if (!rootless_mode() || geteuid() == 0)
        return 0;
    const struct spec_namespace *ns = spec_namespace_find(s, "user");
    if (ns == NULL)
        return error_setc(err, EXIT_PERM, 0,
                          "config.json: not root, and linux.namespaces has no user namespace "
                          "(write one with `runtime spec --rootless`)");
    return 0;
}

bool rootless_setgroups_denied(void)
{
    CLEANUP_FCLOSE FILE *f = fopen("/proc/self/setgroups", "re");
    char word[16] = "";
    return f && fscanf(f, "%15s", word) == 1 && strcmp(word, "deny") == 0;
}
