/* The default config.json of `runtime spec`, equal to runc's. */
#include <string.h>

#include "cleanup.h"
#include "spec.h"
#include "common/strv.h"
#include "common/xalloc.h"

static const char *const default_caps[] = { "CAP_AUDIT_WRITE", "CAP_KILL", "CAP_NET_BIND_SERVICE", NULL };
static const char *const default_env[] = {
    "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "TERM=xterm", NULL,
};
static const char *const masked_paths[] = {
    "/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys", "/proc/latency_stats", "/proc/timer_list",
    "/proc/timer_stats", "/proc/sched_debug", "/sys/firmware", "/proc/scsi", NULL,
};
static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};
static const char *const default_namespaces[] = { "pid", "network", "ipc", "uts", "mount", NULL };

static void add_default_mounts(struct spec *s)
{
    spec_add_mount(s, "/proc", "proc", "proc", NULL);
    spec_add_mount(s, "/dev", "tmpfs", "tmpfs",
                   (const char *const[]){ "nosuid", "strictatime", "mode=755", "size=65536k", NULL });
    spec_add_mount(s, "/dev/pts", "devpts", "devpts",
                   (const char *const[]){ "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5",
                                          NULL });
    spec_add_mount(s, "/dev/shm", "tmpfs", "shm",
                   (const char *const[]){ "nosuid", "noexec", "nodev", "mode=1777", "size=65536k", NULL });
    spec_add_mount(s, "/dev/mqueue", "mqueue", "mqueue", (const char *const[]){ "nosuid", "noexec", "nodev", NULL });
    spec_add_mount(s, "/sys", "sysfs", "sysfs", (const char *const[]){ "nosuid", "noexec", "nodev", "ro", NULL });
    spec_add_mount(s, "/sys/fs/cgroup", "cgroup", "cgroup",
                   (const char *const[]){ "nosuid", "noexec", "nodev", "relatime", "ro", NULL });
}

static struct spec_process *default_process(void)
{
    struct spec_process *p = xcalloc(1, sizeof(*p));
    p->terminal = true;
    p->args = strv_copy((const char *const[]){ "sh", NULL });
    p->env = strv_copy(default_env);
    p->cwd = xstrdup("/");
    p->capabilities = xcalloc(1, sizeof(*p->capabilities));
    p->capabilities->bounding = strv_copy(default_caps);
    p->capabilities->effective = strv_copy(default_caps);
    p->capabilities->permitted = strv_copy(default_caps);
    p->capabilities->ambient = strv_copy(default_caps);
    p->rlimits = xcalloc(1, sizeof(*p->rlimits));
    p->rlimits[0] = (struct spec_rlimit){ xstrdup("RLIMIT_NOFILE"), 1024, 1024 };
    p->n_rlimits = 1;
    p->no_new_privileges = true;
    return p;
}

static struct spec_linux *default_linux(void)
{
    struct spec_linux *l = xcalloc(1, sizeof(*l));
    l->resources = xcalloc(1, sizeof(*l->resources));
    l->resources->devices = xcalloc(1, sizeof(*l->resources->devices));
    l->resources->devices[0] = (struct spec_device_rule){ .allow = false, .access = xstrdup("rwm") };
    l->resources->n_devices = 1;
    size_t n = strv_len((char *const *)default_namespaces);
    l->namespaces = xcalloc(n, sizeof(*l->namespaces));
    for (size_t i = 0; i < n; i++)
        l->namespaces[i].type = xstrdup(default_namespaces[i]);
    l->n_namespaces = n;
    l->masked_paths = strv_copy(masked_paths);
    l->readonly_paths = strv_copy(readonly_paths);
    return l;
}

struct spec *spec_new_default(void)
{
    struct spec *s = xcalloc(1, sizeof(*s));
    s->oci_version = xstrdup(SPEC_OCI_VERSION);
    s->process = default_process();
    s->root = xcalloc(1, sizeof(*s->root));
    s->root->path = xstrdup("rootfs");
    s->root->readonly = true;
    s->hostname = xstrdup("runtime");
    add_default_mounts(s);
    s->linux_ = default_linux();
    return s;
}
