/* The default seccomp profile: Docker's, resolved for one container. Every
 * syscall not allowed fails with EPERM; a rule of seccomp_rules applies when
 * its architecture, capability and kernel-version conditions hold, exactly as
 * Docker resolves its default profile (so --cap-add opens what it opens). */
#include "imagetool/config/seccomp_default.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>

#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/config/seccomp_rules.h"

/* Docker's archMap: the native seccomp architecture of a Go architecture and
 * the ones that run on it. An architecture not listed gets no
 * "architectures" (the runtime then uses the native one only). */
static const struct arch_map {
    const char *goarch;
    const char *const *scmp;
} arch_map[] = {
    { "amd64", (const char *const[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL } },
    { "arm64", (const char *const[]){ "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", NULL } },
    { "mips64", (const char *const[]){ "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64N32", NULL } },
    { "mips64le", (const char *const[]){ "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64N32", NULL } },
    { "s390x", (const char *const[]){ "SCMP_ARCH_S390X", "SCMP_ARCH_S390", NULL } },
    { "riscv64", (const char *const[]){ "SCMP_ARCH_RISCV64", NULL } },
    { "loong64", (const char *const[]){ "SCMP_ARCH_LOONGARCH64", NULL } },
};

const char *seccomp_native_arch(void)
{
#if defined(__x86_64__)
    return "amd64";
#elif defined(__i386__)
    return "386";
#elif defined(__aarch64__)
    return "arm64";
#elif defined(__arm__)
    return "arm";
#elif defined(__powerpc64__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "ppc64le";
#elif defined(__s390x__)
    return "s390x";
#elif defined(__riscv) && __riscv_xlen == 64
    return "riscv64";
#elif defined(__mips64) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
    return "mips64le";
#elif defined(__mips64)
    return "mips64";
#elif defined(__loongarch64)
    return "loong64";
#else
    return "unknown";
#endif
}

void seccomp_running_kernel(unsigned *major, unsigned *minor)
{
    struct utsname u;
    *major = *minor = 0;
    if (uname(&u) == 0 && sscanf(u.release, "%u.%u", major, minor) != 2)
        *major = *minor = 0;
}

static bool in_list(const char *const *list, const char *s)
{
    for (; list && *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

static bool holds_all(char *const *caps, const char *const *need)
{
    for (; need && *need; need++)
        if (!in_list((const char *const *)caps, *need))
            return false;
    return true;
}

static bool holds_any(char *const *caps, const char *const *any)
{
    for (; any && *any; any++)
        if (in_list((const char *const *)caps, *any))
            return true;
    return false;
}

static bool rule_applies(const struct seccomp_rule *r, const struct seccomp_target *t, char *const *caps)
{
    if (r->arches && !in_list(r->arches, t->arch))
        return false;
    if (!holds_all(caps, r->caps))
        return false;
    if (t->kernel_major < r->min_major || (t->kernel_major == r->min_major && t->kernel_minor < r->min_minor))
        return false;
    if (r->not_arches && in_list(r->not_arches, t->arch))
        return false;
    return !holds_any(caps, r->not_caps);
}

static void add_rule(struct spec_seccomp *s, const struct seccomp_rule *r)
{
    s->syscalls = xrealloc(s->syscalls, (s->n_syscalls + 1) * sizeof(*s->syscalls));
    struct spec_seccomp_syscall *out = &s->syscalls[s->n_syscalls++];
    *out = (struct spec_seccomp_syscall){ .names = strv_copy(r->names), .action = xstrdup(r->action) };
    if (r->errno_ret) {
        out->has_errno_ret = true;
        out->errno_ret = r->errno_ret;
    }
    if (r->arg.op) {
        out->args = xmalloc(sizeof(*out->args));
        out->args[0] = (struct spec_seccomp_arg){ .index = r->arg.index, .value = r->arg.value,
                                                  .op = xstrdup(r->arg.op) };
        out->n_args = 1;
    }
}

struct spec_seccomp *seccomp_default_profile_for(const struct seccomp_target *t, char *const *caps)
{
    struct spec_seccomp *s = xcalloc(1, sizeof(*s));
    s->default_action = xstrdup("SCMP_ACT_ERRNO");
    s->has_default_errno_ret = true;
    s->default_errno_ret = EPERM;
    for (size_t i = 0; i < sizeof(arch_map) / sizeof(arch_map[0]); i++)
        if (strcmp(arch_map[i].goarch, t->arch) == 0)
            s->architectures = strv_copy(arch_map[i].scmp);
    for (size_t i = 0; i < seccomp_n_rules; i++)
        if (rule_applies(&seccomp_rules[i], t, caps))
            add_rule(s, &seccomp_rules[i]);
    return s;
}

struct spec_seccomp *seccomp_default_profile(char *const *caps)
{
    struct seccomp_target t = { .arch = seccomp_native_arch() };
    seccomp_running_kernel(&t.kernel_major, &t.kernel_minor);
    return seccomp_default_profile_for(&t, caps);
}
