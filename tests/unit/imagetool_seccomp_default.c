/* The default seccomp profile's resolver. Without arguments: TAP checks.
 * With "--dump ARCH MAJOR.MINOR": for each line of stdin (a space-separated
 * capability set) prints one line, the linux.seccomp object resolved for
 * that Go architecture, kernel version and capability set, as
 * {"linux":{"seccomp":...}}, for tests/imagetool/seccomp_default.bats to
 * compare with Docker's profile. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/spec.h"
#include "imagetool/config/seccomp_default.h"
#include "tests/unit/tap.h"

static void dump_one(const struct seccomp_target *t, char *const *caps)
{
    struct spec_linux l = { .seccomp = seccomp_default_profile_for(t, caps) };
    struct spec s = { .linux_ = &l };
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(false);
    spec_emit(&s, g);
    size_t len = 0;
    const char *text = jg_text(g, &len);
    fwrite(text, 1, len, stdout);
    putchar('\n');
    spec_seccomp_free(l.seccomp);
}

/* One profile per line of stdin, each line a space-separated capability set. */
static int dump(int argc, char **argv)
{
    if (argc != 4)
        return 2;
    struct seccomp_target t = { .arch = argv[2] };
    if (sscanf(argv[3], "%u.%u", &t.kernel_major, &t.kernel_minor) != 2)
        return 2;
    char line[4096];
    while (fgets(line, sizeof(line), stdin)) {
        char *caps[64];
        size_t n = 0;
        for (char *tok = strtok(line, " \n"); tok && n < 63; tok = strtok(NULL, " \n"))
            caps[n++] = tok;
        caps[n] = NULL;
        dump_one(&t, caps);
    }
    return 0;
}

/* The action and errno of the unconditional rule for name, or NULL. */
static const struct spec_seccomp_syscall *rule_for(const struct spec_seccomp *s, const char *name, bool args)
{
    for (size_t i = 0; i < s->n_syscalls; i++)
        for (char **n = s->syscalls[i].names; *n; n++)
            if (strcmp(*n, name) == 0 && (s->syscalls[i].n_args > 0) == args)
                return &s->syscalls[i];
    return NULL;
}

int main(int argc, char **argv)
{
    if (argc > 1 && strcmp(argv[1], "--dump") == 0)
        return dump(argc, argv);

    char *none[] = { NULL };
    char *admin[] = { "CAP_SYS_ADMIN", NULL };
    struct seccomp_target amd64 = { "amd64", 6, 1 }, old = { "amd64", 4, 7 }, s390 = { "s390x", 6, 1 };
    struct spec_seccomp *p = seccomp_default_profile_for(&amd64, none);
    is_str(p->architectures[0], "SCMP_ARCH_X86_64", "amd64: native architecture first");
    ok(rule_for(p, "socket", true) && !rule_for(p, "socket", false), "socket: allowed by family only");
    ok(rule_for(p, "arch_prctl", false) != NULL, "amd64: arch_prctl");
    ok(!rule_for(p, "unshare", false) && !rule_for(p, "setns", false), "unshare, setns: not without CAP_SYS_ADMIN");
    const struct spec_seccomp_syscall *c3 = rule_for(p, "clone3", false);
    ok(c3 && c3->has_errno_ret && c3->errno_ret == 38, "clone3: ENOSYS without CAP_SYS_ADMIN");
    ok(rule_for(p, "ptrace", false) != NULL, "ptrace: allowed on 6.1");
    spec_seccomp_free(p);

    p = seccomp_default_profile_for(&old, none);
    ok(!rule_for(p, "ptrace", false), "ptrace: not before 4.8");
    spec_seccomp_free(p);

    p = seccomp_default_profile_for(&amd64, admin);
    const struct spec_seccomp_syscall *c = rule_for(p, "clone", false);
    ok(c && strcmp(c->action, "SCMP_ACT_ALLOW") == 0 && !rule_for(p, "clone", true), "CAP_SYS_ADMIN: clone open");
    ok(rule_for(p, "unshare", false) != NULL, "CAP_SYS_ADMIN: unshare open");
    spec_seccomp_free(p);

    p = seccomp_default_profile_for(&s390, none);
    c = rule_for(p, "clone", true);
    ok(c && c->args[0].index == 1, "s390x: clone's flags are argument 1");
    ok(!rule_for(p, "arch_prctl", false), "s390x: no arch_prctl");
    spec_seccomp_free(p);
    return tap_done();
}
