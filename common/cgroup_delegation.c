/* The delegated cgroup v2 subtree of the calling user. */
#include "common/cgroup_delegation.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"

#define CGROUP_ROOT "/sys/fs/cgroup"
#define CGROUP2_MAGIC 0x63677270

/* "0::/a/b" of /proc/self/cgroup: "/a/b" (caller frees), or NULL. */
static char *own_cgroup2(void)
{
    CLEANUP_FCLOSE FILE *f = fopen("/proc/self/cgroup", "re");
    if (f == NULL)
        return NULL;
    char line[4096];
    while (fgets(line, sizeof(line), f)) {
        if (strncmp(line, "0::", 3) != 0)
            continue;
        line[strcspn(line, "\n")] = '\0';
        return xstrdup(line + 3);
    }
    return NULL;
}

static bool owned_by_us(const char *dir)
{
    struct stat st;
    CLEANUP_FREE char *control = path_join(dir, "cgroup.subtree_control");
    return stat(dir, &st) == 0 && st.st_uid == geteuid() && access(control, W_OK) == 0;
}

char *cgroup_delegated_root(void)
{
    struct statfs fs;
    if (statfs(CGROUP_ROOT, &fs) < 0 || fs.f_type != CGROUP2_MAGIC)
        return NULL;
    CLEANUP_FREE char *own = own_cgroup2();
    if (own == NULL)
        return NULL;
    char *cur = xasprintf("%s%s", CGROUP_ROOT, strcmp(own, "/") == 0 ? "" : own);
    char *best = NULL;
    while (strlen(cur) > strlen(CGROUP_ROOT) && owned_by_us(cur)) {
        free(best);
        best = xstrdup(cur);
        *strrchr(cur, '/') = '\0';
    }
    free(cur);
    return best;
}

bool cgroup_delegated_has(const char *dir, const char *controller)
{
    CLEANUP_FREE char *path = path_join(dir, "cgroup.controllers");
    CLEANUP_FCLOSE FILE *f = fopen(path, "re");
    char word[64];
    while (f && fscanf(f, "%63s", word) == 1)
        if (strcmp(word, controller) == 0)
            return true;
    return false;
}
