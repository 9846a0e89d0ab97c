/* linux.sysctl: only keys the container's own namespaces isolate, checked
 * as runc checks them, then written under the container's /proc/sys. */
#include "sysctl.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/statfs.h>
#include <linux/magic.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"

static const char *const ipc_keys[] = {
    "kernel.msgmax", "kernel.msgmnb", "kernel.msgmni", "kernel.sem",
    "kernel.shmall", "kernel.shmmax", "kernel.shmmni", "kernel.shm_rmid_forced",
};

/* "net/ipv4/ip_forward" -> "net.ipv4.ip_forward" (dots inside names such as
 * "eth0.100" become slashes, as sysctl(8) does). */
static char *dotted(const char *key)
{
    char *k = xstrdup(key);
    if (strchr(k, '/') == NULL)
        return k;
    for (char *p = k; *p; p++)
        *p = *p == '/' ? '.' : *p == '.' ? '/' : *p;
    return k;
}

/* The path below /proc/sys for a dotted key. */
static char *proc_sys_path(const char *dotted_key)
{
    char *p = xstrdup(dotted_key);
    for (char *c = p; *c; c++)
        *c = *c == '.' ? '/' : *c == '/' ? '.' : *c;
    return p;
}

static bool has_ns(const struct spec *s, const char *type)
{
    return spec_namespace_find(s, type) != NULL;
}

static int sysctl_check(const struct spec *s, const char *key, struct error **err)
{
    for (size_t i = 0; i < sizeof(ipc_keys) / sizeof(ipc_keys[0]); i++)
        if (strcmp(key, ipc_keys[i]) == 0)
            goto ipc;
    if (strncmp(key, "fs.mqueue.", 10) == 0)
        goto ipc;
    if (strncmp(key, "net.", 4) == 0) {
        if (has_ns(s, "network"))
            return 0;
        return error_setc(err, EXIT_INVALID, 0, "sysctl %s is not allowed in the host's network namespace", key);
    }
    if (has_ns(s, "uts") && strcmp(key, "kernel.domainname") == 0)
        return 0;
    if (has_ns(s, "uts") && strcmp(key, "kernel.hostname") == 0)
        return error_setc(err, EXIT_INVALID, 0, "sysctl %s is not allowed: it conflicts with the hostname field", key);
    return error_setc(err, EXIT_INVALID, 0, "sysctl %s is not in a separate kernel namespace", key);
ipc:
    if (has_ns(s, "ipc"))
        return 0;
    return error_setc(err, EXIT_INVALID, 0, "sysctl %s is not allowed in the host's ipc namespace", key);
}

/* Every component of the path below /proc/sys must name an entry: an
 * empty, "." or ".." component (from "net/../vm/x", "net..x" or "net.//.x")
 * would let a key that passed the allow-list by its prefix reach another. */
static bool key_components_ok(const char *rel)
{
    for (const char *c = rel;;) {
        size_t n = strcspn(c, "/");
        if (n == 0 || (n == 1 && c[0] == '.') || (n == 2 && c[0] == '.' && c[1] == '.'))
            return false;
        if (c[n] == '\0')
            return true;
        c += n + 1;
    }
}

static int sysctl_key_check(const struct spec *s, const char *key, struct error **err)
{
    CLEANUP_FREE char *d = dotted(key);
    CLEANUP_FREE char *rel = proc_sys_path(d);
    if (!key_components_ok(rel))
        return error_setc(err, EXIT_INVALID, 0, "key \"%s\": an empty, \".\" or \"..\" component", key);
    return sysctl_check(s, d, err);
}

int sysctl_validate(const struct spec *s, struct error **err)
{
    const struct spec_linux *l = s->linux_;
    for (size_t i = 0; l && i < l->n_sysctl; i++)
        if (sysctl_key_check(s, l->sysctl[i].key ? l->sysctl[i].key : "", err) < 0)
            return error_prefix(err, "linux.sysctl");
    return 0;
}

static int sysctl_write(int procsys, const char *key, const char *value, struct error **err)
{
    CLEANUP_FREE char *rel = proc_sys_path(key);
    CLEANUP_CLOSE int fd = open_beneath(procsys, rel, O_WRONLY);
    if (fd < 0)
        return error_set(err, errno, "sysctl %s: open /proc/sys/%s", key, rel);
    if (write_all(fd, value, strlen(value)) < 0)
        return error_set(err, errno, "sysctl %s: write %s to /proc/sys/%s", key, value, rel);
    return 0;
}

/* Keys were checked by sysctl_validate in the parent; checked again here so
 * that nothing is written for a key that did not pass. */
int sysctl_apply(const struct spec *s, struct error **err)
{
    const struct spec_linux *l = s->linux_;
    if (l == NULL || l->n_sysctl == 0)
        return 0;
    if (sysctl_validate(s, err) < 0)
        return -1;
    CLEANUP_CLOSE int procsys = open("/proc/sys", O_PATH | O_DIRECTORY | O_CLOEXEC);
    struct statfs sf;
    if (procsys < 0 || fstatfs(procsys, &sf) < 0)
        return error_set(err, errno, "linux.sysctl: open /proc/sys");
    if (sf.f_type != PROC_SUPER_MAGIC)
        return error_setc(err, EXIT_PERM, 0, "linux.sysctl: /proc/sys is not procfs");
    for (size_t i = 0; i < l->n_sysctl; i++) {
        CLEANUP_FREE char *key = dotted(l->sysctl[i].key);
        if (sysctl_write(procsys, key, l->sysctl[i].value ? l->sysctl[i].value : "", err) < 0)
            return error_prefix(err, "linux.sysctl");
    }
    return 0;
}
