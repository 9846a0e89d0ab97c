/* runtime-spec names for seccomp actions, operators, architectures, flags. */
#include "seccomp_plan.h"

#include <ctype.h>
#include <errno.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <string.h>

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

int seccomp_action_from_name(const char *name, bool has_ret, uint32_t ret, uint32_t *out)
{
    uint32_t errno_ret = has_ret ? ret : EPERM;
    if (strcmp(name, "SCMP_ACT_KILL") == 0 || strcmp(name, "SCMP_ACT_KILL_THREAD") == 0)
        *out = SCMP_ACT_KILL_THREAD;
    else if (strcmp(name, "SCMP_ACT_KILL_PROCESS") == 0)
        *out = SCMP_ACT_KILL_PROCESS;
    else if (strcmp(name, "SCMP_ACT_TRAP") == 0)
        *out = SCMP_ACT_TRAP;
    else if (strcmp(name, "SCMP_ACT_ERRNO") == 0)
        *out = SCMP_ACT_ERRNO(errno_ret);
    else if (strcmp(name, "SCMP_ACT_TRACE") == 0)
        *out = SCMP_ACT_TRACE(errno_ret);
    else if (strcmp(name, "SCMP_ACT_ALLOW") == 0)
        *out = SCMP_ACT_ALLOW;
    else if (strcmp(name, "SCMP_ACT_LOG") == 0)
        *out = SCMP_ACT_LOG;
    else if (strcmp(name, "SCMP_ACT_NOTIFY") == 0)
        *out = SCMP_ACT_NOTIFY;
    else
        return -1;
    return 0;
}

int seccomp_op_from_name(const char *name)
{
    static const struct {
        const char *name;
        enum scmp_compare op;
    } ops[] = {
        { "SCMP_CMP_NE", SCMP_CMP_NE }, { "SCMP_CMP_LT", SCMP_CMP_LT },
        { "SCMP_CMP_LE", SCMP_CMP_LE }, { "SCMP_CMP_EQ", SCMP_CMP_EQ },
        { "SCMP_CMP_GE", SCMP_CMP_GE }, { "SCMP_CMP_GT", SCMP_CMP_GT },
        { "SCMP_CMP_MASKED_EQ", SCMP_CMP_MASKED_EQ },
    };
    for (size_t i = 0; i < sizeof(ops) / sizeof(ops[0]); i++)
        if (strcmp(name, ops[i].name) == 0)
            return (int)ops[i].op;
    return -1;
}

/* "SCMP_ARCH_X86_64" -> libseccomp's "x86_64". */
int seccomp_arch_from_name(const char *name, uint32_t *out)
{
    static const char prefix[] = "SCMP_ARCH_";
    if (strncmp(name, prefix, sizeof(prefix) - 1) != 0)
        return -1;
    char lower[32];
    const char *s = name + sizeof(prefix) - 1;
    size_t n = strlen(s);
    if (n == 0 || n >= sizeof(lower))
        return -1;
    for (size_t i = 0; i <= n; i++)
        lower[i] = (char)tolower((unsigned char)s[i]);
    uint32_t arch = seccomp_arch_resolve_name(lower);
    if (arch == 0)
        return -1;
    *out = arch;
    return 0;
}

int seccomp_flag_from_name(const char *name, unsigned int *out)
{
    static const struct {
        const char *name;
        unsigned int flag;
    } flags[] = {
        { "SECCOMP_FILTER_FLAG_TSYNC", SECCOMP_FILTER_FLAG_TSYNC },
        { "SECCOMP_FILTER_FLAG_LOG", SECCOMP_FILTER_FLAG_LOG },
        { "SECCOMP_FILTER_FLAG_SPEC_ALLOW", SECCOMP_FILTER_FLAG_SPEC_ALLOW },
        { "SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV", SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV },
    };
    for (size_t i = 0; i < sizeof(flags) / sizeof(flags[0]); i++)
        if (strcmp(name, flags[i].name) == 0) {
            *out = flags[i].flag;
            return 0;
        }
    return -1;
}
