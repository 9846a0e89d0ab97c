/* config.json mount options -> mount(2) flags, propagation and data. */
#include "mounts.h"

#include <stdio.h>
#include <string.h>
#include <sys/mount.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

struct flag_word {
    const char *name;
    bool clear;          /* the word removes the flag instead of setting it */
    unsigned long flag;
};

static const struct flag_word flag_words[] = {
    {"defaults", false, 0},
    {"ro", false, MS_RDONLY},
    {"rw", true, MS_RDONLY},
    {"suid", true, MS_NOSUID},
    {"nosuid", false, MS_NOSUID},
    {"dev", true, MS_NODEV},
    {"nodev", false, MS_NODEV},
    {"exec", true, MS_NOEXEC},
    {"noexec", false, MS_NOEXEC},
    {"sync", false, MS_SYNCHRONOUS},
    {"async", true, MS_SYNCHRONOUS},
    {"dirsync", false, MS_DIRSYNC},
    {"remount", false, MS_REMOUNT},
    {"mand", false, MS_MANDLOCK},
    {"nomand", true, MS_MANDLOCK},
    {"atime", true, MS_NOATIME},
    {"noatime", false, MS_NOATIME},
    {"diratime", true, MS_NODIRATIME},
    {"nodiratime", false, MS_NODIRATIME},
    {"relatime", false, MS_RELATIME},
    {"norelatime", true, MS_RELATIME},
    {"strictatime", false, MS_STRICTATIME},
    {"nostrictatime", true, MS_STRICTATIME},
    {"lazytime", false, MS_LAZYTIME},
    {"nolazytime", true, MS_LAZYTIME},
    {"iversion", false, MS_I_VERSION},
    {"noiversion", true, MS_I_VERSION},
    {"silent", false, MS_SILENT},
    {"loud", true, MS_SILENT},
    {"bind", false, MS_BIND},
    {"rbind", false, MS_BIND | MS_REC},
    {"acl", false, MS_POSIXACL},
    {"noacl", true, MS_POSIXACL},
    {"nosymfollow", false, MS_NOSYMFOLLOW},
    {"symfollow", true, MS_NOSYMFOLLOW},
};

static const struct {
    const char *name;
    unsigned long flag;
} propagation_words[] = {
    {"private", MS_PRIVATE},
    {"rprivate", MS_PRIVATE | MS_REC},
    {"shared", MS_SHARED},
    {"rshared", MS_SHARED | MS_REC},
    {"slave", MS_SLAVE},
    {"rslave", MS_SLAVE | MS_REC},
    {"unbindable", MS_UNBINDABLE},
    {"runbindable", MS_UNBINDABLE | MS_REC},
};

/* Recursive attributes (runc's "rro" family), set with mount_setattr. */
static const struct {
    const char *name;
    uint64_t set, clr;
} attr_words[] = {
    {"rro", MOUNT_ATTR_RDONLY, 0},
    {"rrw", 0, MOUNT_ATTR_RDONLY},
    {"rnosuid", MOUNT_ATTR_NOSUID, 0},
    {"rsuid", 0, MOUNT_ATTR_NOSUID},
    {"rnodev", MOUNT_ATTR_NODEV, 0},
    {"rdev", 0, MOUNT_ATTR_NODEV},
    {"rnoexec", MOUNT_ATTR_NOEXEC, 0},
    {"rexec", 0, MOUNT_ATTR_NOEXEC},
    {"rnodiratime", MOUNT_ATTR_NODIRATIME, 0},
    {"rdiratime", 0, MOUNT_ATTR_NODIRATIME},
    {"rrelatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnoatime", MOUNT_ATTR_NOATIME, MOUNT_ATTR__ATIME},
    {"rstrictatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"ratime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnostrictatime", MOUNT_ATTR_RELATIME, MOUNT_ATTR__ATIME},
    {"rnorelatime", MOUNT_ATTR_STRICTATIME, MOUNT_ATTR__ATIME},
    {"rnosymfollow", MOUNT_ATTR_NOSYMFOLLOW, 0},
    {"rsymfollow", 0, MOUNT_ATTR_NOSYMFOLLOW},
};

static bool attr_word_apply(const char *name, struct mount_flags *f)
{
    for (size_t i = 0; i < sizeof(attr_words) / sizeof(attr_words[0]); i++) {
        if (strcmp(name, attr_words[i].name) != 0)
            continue;
        f->attr_set = (f->attr_set & ~attr_words[i].clr & ~attr_words[i].set) | attr_words[i].set;
        f->attr_clr = (f->attr_clr & ~attr_words[i].set) | attr_words[i].clr;
        return true;
    }
    return false;
}

unsigned long mount_propagation_flag(const char *name)
{
    for (size_t i = 0; i < sizeof(propagation_words) / sizeof(propagation_words[0]); i++)
        if (strcmp(name, propagation_words[i].name) == 0)
            return propagation_words[i].flag;
    return 0;
}

static const struct flag_word *flag_word_find(const char *name)
{
    for (size_t i = 0; i < sizeof(flag_words) / sizeof(flag_words[0]); i++)
        if (strcmp(name, flag_words[i].name) == 0)
            return &flag_words[i];
    return NULL;
}

static void data_append(char **data, const char *word)
{
    char *joined = *data ? xasprintf("%s,%s", *data, word) : xstrdup(word);
    free(*data);
    *data = joined;
}

/* runc's and crun's own words: not for mount(2) at all. */
static bool runtime_word_apply(const char *name, struct mount_flags *f)
{
    if (strcmp(name, "tmpcopyup") == 0)
        f->tmpcopyup = true;
    else if (strcmp(name, "copy-symlink") == 0)
        f->copy_symlink = true;
    else if (strcmp(name, "idmap") == 0 || strcmp(name, "ridmap") == 0)
        f->idmap = name;
    else
        return false;
    return true;
}

size_t mount_option_names(const char **out, size_t max)
{
    static const char *const own[] = {"tmpcopyup", "copy-symlink"};
    size_t n = 0;
#define ADD(table, field)                                              \
    for (size_t i = 0; i < sizeof(table) / sizeof(table[0]); i++)    \
        if (n < max)                                                   \
            out[n++] = table[i].field;
    ADD(flag_words, name)
    ADD(propagation_words, name)
    ADD(attr_words, name)
#undef ADD
    for (size_t i = 0; i < sizeof(own) / sizeof(own[0]) && n < max; i++)
        out[n++] = own[i];
    return n;
}

int mount_flags_parse(char *const *options, struct mount_flags *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    for (char *const *o = options; o && *o; o++) {
        if (runtime_word_apply(*o, out))
            continue;
        const struct flag_word *w = flag_word_find(*o);
        unsigned long prop = mount_propagation_flag(*o);
        if (w && w->clear)
            out->flags &= ~w->flag;
        else if (w)
            out->flags |= w->flag;
        else if (attr_word_apply(*o, out))
            continue;
        else if (prop && out->n_propagation == MOUNT_MAX_PROPAGATION) {
            mount_flags_release(out);
            return error_setc(err, EXIT_INVALID, 0, "too many propagation options");
        } else if (prop)
            out->propagation[out->n_propagation++] = prop;
        else
            data_append(&out->data, *o);
    }
    return 0;
}

bool mount_flags_have_after(const struct mount_flags *f)
{
    return f->n_propagation > 0 || f->attr_set != 0 || f->attr_clr != 0;
}

void mount_flags_release(struct mount_flags *f)
{
    free(f->data);
    f->data = NULL;
}

struct fd_path fd_path(int fd)
{
    struct fd_path p;
    snprintf(p.s, sizeof(p.s), "/proc/self/fd/%d", fd);
    return p;
}
