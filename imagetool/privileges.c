#include "imagetool/privileges.h"

#include <ctype.h>
#include <string.h>
#include <sys/prctl.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/config/seccomp_default.h"

/* Every capability Linux defines, in number order (capability.h). */
static const char *const all_caps[] = {
    "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL",
    "CAP_SETGID", "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE",
    "CAP_NET_BROADCAST", "CAP_NET_ADMIN", "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE",
    "CAP_SYS_RAWIO", "CAP_SYS_CHROOT", "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT",
    "CAP_SYS_NICE", "CAP_SYS_RESOURCE", "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE",
    "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL", "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG",
    "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND", "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF",
    "CAP_CHECKPOINT_RESTORE", NULL,
};

/* "net_admin" / "CAP_NET_ADMIN" -> "CAP_NET_ADMIN"; "all" -> "ALL". */
static int normalise_cap(const char *flag, const char *name, char **out, struct error **err)
{
    CLEANUP_FREE char *upper = xstrdup(name);
    for (char *c = upper; *c; c++)
        *c = (char)toupper((unsigned char)*c);
    if (strcmp(upper, "ALL") == 0) {
        *out = TAKE_PTR(upper);
        return 0;
    }
    CLEANUP_FREE char *full = strncmp(upper, "CAP_", 4) == 0 ? xstrdup(upper) : xasprintf("CAP_%s", upper);
    for (const char *const *c = all_caps; *c; c++) {
        if (strcmp(*c, full) == 0) {
            *out = TAKE_PTR(full);
            return 0;
        }
    }
    return error_setc(err, EXIT_USAGE, 0, "%s: unknown capability \"%s\"", flag, name);
}

int privileges_cap_name(const char *what, const char *name, char **out, struct error **err)
{
    if (normalise_cap(what, name, out, err) < 0) {
        (*err)->exit_class = EXIT_INVALID;
        return -1;
    }
    return 0;
}

/* ALL means what this host can grant: the capabilities in our own bounding
 * set, as podman does; a kernel or a parent that lacks one cannot give it. */
static bool host_can_grant(size_t cap_number)
{
    return prctl(PR_CAPBSET_READ, (unsigned long)cap_number, 0, 0, 0) == 1;
}

/* base + add - drop, in all_caps order; ALL on either side means every cap. */
static int resolve_caps(char *const *base, const struct privilege_opts *o, char ***out, struct error **err)
{
    CLEANUP_STRV char **add = NULL, **drop = NULL;
    for (char **c = o->cap_add; c && *c; c++) {
        char *n = NULL;
        if (normalise_cap("--cap-add", *c, &n, err) < 0)
            return -1;
        strv_append(&add, n);
        free(n);
    }
    for (char **c = o->cap_drop; c && *c; c++) {
        char *n = NULL;
        if (normalise_cap("--cap-drop", *c, &n, err) < 0)
            return -1;
        strv_append(&drop, n);
        free(n);
    }
    bool add_all = o->privileged || strv_contains(add, "ALL"), drop_all = strv_contains(drop, "ALL");
    char **caps = xcalloc(1, sizeof(char *));
    for (const char *const *c = all_caps; *c; c++) {
        bool in = strv_contains(add, *c) ||
                  ((strv_contains(base, *c) || (add_all && host_can_grant((size_t)(c - all_caps)))) && !drop_all);
        if (in && !strv_contains(drop, *c))
            strv_append(&caps, *c);
    }
    *out = caps;
    return 0;
}

void privileges_set_caps(struct spec_capabilities *c, char **caps)
{
    strv_free(c->bounding);
    strv_free(c->effective);
    strv_free(c->permitted);
    c->bounding = caps;
    c->effective = strv_copy((const char *const *)caps);
    c->permitted = strv_copy((const char *const *)caps);
}

static int load_profile(const char *path, struct spec_seccomp **out, struct error **err)
{
    CLEANUP_JSON yajl_val v = NULL;
    if (json_parse_file(path, &v, err) < 0)
        return error_prefix(err, "--seccomp");
    return spec_parse_seccomp(v, path, out, err);
}

/* What --privileged opens beyond capabilities and seccomp, as Docker does. */
static void open_privileged(struct spec *s)
{
    strv_free(s->linux_->masked_paths);
    strv_free(s->linux_->readonly_paths);
    s->linux_->masked_paths = s->linux_->readonly_paths = NULL;
    for (size_t i = 0; i < s->n_mounts; i++) {
        const char *t = s->mounts[i].type;
        if (t == NULL || (strcmp(t, "sysfs") != 0 && strcmp(t, "cgroup") != 0))
            continue;
        for (char **opt = s->mounts[i].options; opt && *opt; opt++)
            if (strcmp(*opt, "ro") == 0)
                memcpy(*opt, "rw", 2);
    }
    struct spec_resources *r = s->linux_->resources;
    for (size_t i = 0; r && i < r->n_devices; i++) {
        free(r->devices[i].type);
        free(r->devices[i].access);
    }
    if (r) {
        r->devices = xrealloc(r->devices, sizeof(*r->devices));
        r->devices[0] = (struct spec_device_rule){ .allow = true, .access = xstrdup("rwm") };
        r->n_devices = 1;
    }
}

int privileges_apply(struct spec *s, const struct privilege_opts *o, struct error **err)
{
    if (!o->cap_add && !o->cap_drop && !o->seccomp && !o->privileged)
        return 0; /* defaults_new_spec's capabilities and profile stand */
    char **caps = NULL;
    if (resolve_caps(s->process->capabilities->bounding, o, &caps, err) < 0)
        return -1;
    privileges_set_caps(s->process->capabilities, caps);
    struct spec_seccomp *profile = NULL;
    bool unconfined = o->privileged || (o->seccomp && strcmp(o->seccomp, "unconfined") == 0);
    if (!unconfined && o->seccomp && load_profile(o->seccomp, &profile, err) < 0)
        return -1;
    if (!unconfined && profile == NULL)
        profile = seccomp_default_profile(caps);
    spec_seccomp_free(s->linux_->seccomp);
    s->linux_->seccomp = profile;
    if (o->privileged)
        open_privileged(s);
    return 0;
}

void privilege_opts_clear(struct privilege_opts *o)
{
    strv_free(o->cap_add);
    strv_free(o->cap_drop);
    o->cap_add = o->cap_drop = NULL;
}
