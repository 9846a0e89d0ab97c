/* config.json's mounts checked in the parent, before a state directory,
 * cgroup or process exists: the runtime's own option words, and the
 * options a file system would refuse, asked of the kernel through
 * fsopen/fsconfig without creating anything (no FSCONFIG_CMD_CREATE). */
#include <errno.h>
#include <string.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "runtime/linux/mounts.h"

int mount_check_words(const struct spec_mount *m, const struct mount_flags *f, bool bind, struct error **err)
{
    const char *type = m->type ? m->type : "";
    if (f->idmap)
        return error_setc(err, EXIT_INVALID, 0, "mount %s: option %s: idmapped mounts are not supported by this runtime",
                          m->destination, f->idmap);
    if (f->tmpcopyup && strcmp(type, "tmpfs") != 0)
        return error_setc(err, EXIT_INVALID, 0, "mount %s: option tmpcopyup: only for tmpfs mounts, not %s",
                          m->destination, bind ? "bind" : type);
    if (f->copy_symlink && !bind)
        return error_setc(err, EXIT_INVALID, 0, "mount %s: option copy-symlink: only for bind mounts", m->destination);
    return 0;
}

/* File systems whose options name no path: a path would resolve here, in
 * the parent, not where the init mounts (overlay's lowerdir, say). */
static bool options_probed(const char *type)
{
    static const char *const types[] = { "tmpfs", "devpts", "mqueue", "proc", "sysfs", "ramfs", "hugetlbfs" };
    for (size_t i = 0; i < sizeof(types) / sizeof(types[0]); i++)
        if (strcmp(type, types[i]) == 0)
            return true;
    return false;
}

/* The kernel's reason, logged in the fs context ("e tmpfs: Bad value for
 * 'size'"), without its one-letter level. */
static void kernel_reason(int fsfd, char *buf, size_t size)
{
    ssize_t n = read(fsfd, buf, size - 1);
    buf[n > 2 ? n : 0] = '\0';
    if (n > 2) {
        buf[strcspn(buf, "\n")] = '\0';
        memmove(buf, buf + 2, strlen(buf + 2) + 1);
    }
}

static int probe_option(int fsfd, const char *opt, const struct spec_mount *m, struct error **err)
{
    CLEANUP_FREE char *key = xstrdup(opt);
    char *value = strchr(key, '=');
    if (value)
        *value++ = '\0';
    int r = value ? fsconfig(fsfd, FSCONFIG_SET_STRING, key, value, 0) : fsconfig(fsfd, FSCONFIG_SET_FLAG, key, NULL, 0);
    if (r == 0)
        return 0;
    int e = errno;
    char why[256];
    kernel_reason(fsfd, why, sizeof(why));
    return error_setc(err, EXIT_INVALID, e, "mount %s: %s refused the option \"%s\"%s%s%s", m->destination, m->type,
                      opt, *why ? " (" : "", why, *why ? ")" : "");
}

static int probe_options(const struct spec_mount *m, const char *data, struct error **err)
{
    if (data == NULL && options_probed(m->type))
        return 0; /* a type this kernel surely has, nothing to ask: no fsopen on the start path */
    CLEANUP_CLOSE int fsfd = fsopen(m->type, FSOPEN_CLOEXEC);
    if (fsfd < 0 && errno == ENODEV)
        return error_setc(err, EXIT_INVALID, 0, "mount %s: file system type \"%s\" is not known to this kernel",
                          m->destination, m->type);
    if (fsfd < 0 || !options_probed(m->type) || data == NULL)
        return 0; /* no fsopen, or not privileged here (rootless): the init's mount judges */
    CLEANUP_FREE char *copy = xstrdup(data);
    char *save = NULL;
    for (char *opt = strtok_r(copy, ",", &save); opt; opt = strtok_r(NULL, ",", &save))
        if (probe_option(fsfd, opt, m, err) < 0)
            return -1;
    return 0;
}

int mount_entry_parse(const struct spec_mount *m, struct mount_flags *f, bool *bind, struct error **err)
{
    if (m->destination == NULL || m->destination[0] == '\0')
        return error_setc(err, EXIT_INVALID, 0, "mount with an empty destination");
    if (mount_flags_parse(m->options, f, err) < 0)
        return error_prefix(err, "mount %s", m->destination);
    const char *type = m->type ? m->type : "";
    *bind = strcmp(type, "bind") == 0 || (f->flags & MS_BIND);
    if (mount_check_words(m, f, *bind, err) < 0) {
        mount_flags_release(f);
        return -1;
    }
    return 0;
}

static int mount_validate(const struct spec_mount *m, struct error **err)
{
    struct mount_flags f;
    bool bind;
    if (mount_entry_parse(m, &f, &bind, err) < 0)
        return -1;
    const char *type = m->type ? m->type : "";
    int r = 0;
    if (!bind && *type && strncmp(type, "cgroup", 6) != 0)
        r = probe_options(m, f.data, err);
    mount_flags_release(&f);
    return r;
}

int mounts_validate(const struct spec *s, struct error **err)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (mount_validate(&s->mounts[i], err) < 0)
            return error_prefix(err, "mounts[%zu]", i);
    return 0;
}
