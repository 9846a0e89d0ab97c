/* Docker's defaults for an unprivileged container (moby's oci defaults plus
 * runc's allowed-device list), built as a struct spec. */
#include <string.h>
#include <sys/vfs.h>
#include <linux/magic.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/config/defaults.h"
#include "imagetool/config/seccomp_default.h"

static const char *const default_caps[] = {
    "CAP_CHOWN",   "CAP_DAC_OVERRIDE", "CAP_FSETID",           "CAP_FOWNER",      "CAP_MKNOD",
    "CAP_NET_RAW", "CAP_SETGID",       "CAP_SETUID",           "CAP_SETFCAP",     "CAP_SETPCAP",
    "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL",      "CAP_AUDIT_WRITE", NULL,
};

static const char *const masked_paths[] = {
    "/proc/asound",      "/proc/acpi",       "/proc/kcore",      "/proc/keys",
    "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug",
    "/proc/scsi",        "/sys/firmware",    "/sys/devices/virtual/powercap", NULL,
};

static const char *const readonly_paths[] = {
    "/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys", "/proc/sysrq-trigger", NULL,
};

static const struct {
    const char *dest, *type, *source;
    const char *const options[8];
} default_mounts[] = {
    { "/proc", "proc", "proc", { "nosuid", "noexec", "nodev", NULL } },
    { "/dev", "tmpfs", "tmpfs", { "nosuid", "strictatime", "mode=755", "size=65536k", NULL } },
    { "/dev/pts", "devpts", "devpts",
      { "nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620", "gid=5", NULL } },
    { "/sys", "sysfs", "sysfs", { "nosuid", "noexec", "nodev", "ro", NULL } },
    { "/sys/fs/cgroup", "cgroup", "cgroup", { "ro", "nosuid", "noexec", "nodev", NULL } },
    { "/dev/mqueue", "mqueue", "mqueue", { "nosuid", "noexec", "nodev", NULL } },
    { "/dev/shm", "tmpfs", "shm", { "nosuid", "noexec", "nodev", "mode=1777", "size=67108864", NULL } },
};

/* Device cgroup: deny everything, then allow what runc and Docker allow. */
static const struct {
    const char *type;
    int64_t major, minor; /* -1 = any */
    const char *access;
} allowed_devices[] = {
    { "c", -1, -1, "m" },     { "b", -1, -1, "m" },
    { "c", 1, 3, "rwm" },     /* null */
    { "c", 1, 5, "rwm" },     /* zero */
    { "c", 1, 7, "rwm" },     /* full */
    { "c", 1, 8, "rwm" },     /* random */
    { "c", 1, 9, "rwm" },     /* urandom */
    { "c", 5, 0, "rwm" },     /* tty */
    { "c", 5, 1, "rwm" },     /* console */
    { "c", 5, 2, "rwm" },     /* ptmx */
    { "c", 136, -1, "rwm" },  /* pts */
    { "c", 10, 200, "rwm" },  /* net/tun */
};

#define N_OF(a) (sizeof(a) / sizeof((a)[0]))

bool host_is_cgroup2(void)
{
    struct statfs st;
    return statfs("/sys/fs/cgroup", &st) == 0 && st.f_type == CGROUP2_SUPER_MAGIC;
}

static struct spec_process *default_process(void)
{
    struct spec_process *p = xcalloc(1, sizeof(*p));
    p->cwd = xstrdup("/");
    p->capabilities = xcalloc(1, sizeof(*p->capabilities));
    p->capabilities->bounding = strv_copy(default_caps);
    p->capabilities->effective = strv_copy(default_caps);
    p->capabilities->permitted = strv_copy(default_caps);
    return p;
}

static void add_namespace(struct spec_linux *l, const char *type)
{
    l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
    l->namespaces[l->n_namespaces++] = (struct spec_namespace){ .type = xstrdup(type) };
}

static struct spec_resources *default_resources(void)
{
    struct spec_resources *r = xcalloc(1, sizeof(*r));
    r->n_devices = 1 + N_OF(allowed_devices);
    r->devices = xcalloc(r->n_devices, sizeof(*r->devices));
    r->devices[0] = (struct spec_device_rule){ .allow = false, .access = xstrdup("rwm") };
    for (size_t i = 0; i < N_OF(allowed_devices); i++) {
        struct spec_device_rule *d = &r->devices[i + 1];
        d->allow = true;
        d->type = xstrdup(allowed_devices[i].type);
        d->has_major = allowed_devices[i].major >= 0;
        d->has_minor = allowed_devices[i].minor >= 0;
        d->major = allowed_devices[i].major;
        d->minor = allowed_devices[i].minor;
        d->access = xstrdup(allowed_devices[i].access);
    }
    return r;
}

static struct spec_linux *default_linux(const struct default_opts *o)
{
    struct spec_linux *l = xcalloc(1, sizeof(*l));
    add_namespace(l, "pid");
    if (!o->host_network)
        add_namespace(l, "network");
    add_namespace(l, "ipc");
    add_namespace(l, "uts");
    add_namespace(l, "mount");
    if (o->cgroup_ns)
        add_namespace(l, "cgroup");
    l->masked_paths = strv_copy(masked_paths);
    l->readonly_paths = strv_copy(readonly_paths);
    l->resources = default_resources();
    return l;
}

struct spec *defaults_new_spec(const struct default_opts *o)
{
    struct spec *s = xcalloc(1, sizeof(*s));
    s->oci_version = xstrdup("1.0.2");
    s->root = xcalloc(1, sizeof(*s->root));
    s->root->path = xstrdup("rootfs");
    s->root->readonly = o->read_only;
    s->process = default_process();
    for (size_t i = 0; i < N_OF(default_mounts); i++)
        spec_add_mount(s, default_mounts[i].dest, default_mounts[i].type, default_mounts[i].source,
                       default_mounts[i].options);
    s->linux_ = default_linux(o);
    s->linux_->seccomp = seccomp_default_profile(s->process->capabilities->bounding);
    return s;
}
