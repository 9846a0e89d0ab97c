/* Platforms: the host's, "os/arch[/variant]" from the command line, and
 * matching them against index entries (arm64 means arm64/v8, arm arm/v7). */
#include <string.h>
#include <sys/utsname.h>

#include "common/cleanup.h"
#include "common/xalloc.h"
#include "imagetool/image/private.h"

static const struct {
    const char *machine, *arch, *variant;
} machines[] = {
    { "x86_64", "amd64", NULL }, { "aarch64", "arm64", "v8" }, { "armv7l", "arm", "v7" },
    { "armv6l", "arm", "v6" },   { "i686", "386", NULL },      { "i386", "386", NULL },
    { "ppc64le", "ppc64le", NULL }, { "s390x", "s390x", NULL }, { "riscv64", "riscv64", NULL },
};

struct platform platform_host(void)
{
    struct utsname u;
    struct platform p = { "linux", "amd64", NULL };
    if (uname(&u) < 0)
        return p;
    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++) {
        if (strcmp(u.machine, machines[i].machine) == 0) {
            p.architecture = machines[i].arch;
            p.variant = machines[i].variant;
        }
    }
    return p;
}

static const char *arch_alias(const char *arch)
{
    for (size_t i = 0; i < sizeof(machines) / sizeof(machines[0]); i++)
        if (strcmp(arch, machines[i].machine) == 0)
            return machines[i].arch;
    return arch;
}

int platform_parse(const char *text, struct platform *out, char **storage, struct error **err)
{
    char *copy = xstrdup(text);
    char *arch = strchr(copy, '/');
    char *variant = arch ? strchr(arch + 1, '/') : NULL;
    if (arch)
        *arch++ = '\0';
    if (variant)
        *variant++ = '\0';
    if (!arch || !*copy || !*arch || (variant && (!*variant || strchr(variant, '/')))) {
        free(copy);
        return error_setc(err, EXIT_USAGE, 0, "platform '%s': expected OS/ARCH[/VARIANT]", text);
    }
    out->os = copy;
    out->architecture = arch_alias(arch);
    out->variant = variant;
    *storage = copy;
    return 0;
}

/* Variant with the defaults filled in. */
static const char *norm_variant(const char *arch, const char *variant)
{
    if (variant && *variant)
        return variant;
    if (strcmp(arch, "arm64") == 0)
        return "v8";
    if (strcmp(arch, "arm") == 0)
        return "v7";
    return "";
}

bool platform_matches(const struct platform *want, const struct descriptor *d, bool exact_variant)
{
    if (!d->os || !d->architecture || strcmp(want->os, d->os) != 0 ||
        strcmp(want->architecture, d->architecture) != 0)
        return false;
    if (!exact_variant)
        return true;
    return strcmp(norm_variant(want->architecture, want->variant),
                  norm_variant(d->architecture, d->variant)) == 0;
}
