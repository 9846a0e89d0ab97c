/* runtime features: what this runtime implements, in the runtime-spec
 * features.json shape runc 1.1 prints (mountOptions, linux.namespaces,
 * capabilities, cgroup, seccomp, apparmor, selinux, intelRdt, annotations). */
#include <seccomp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "runtime/cmd/cmd.h"
#include "runtime/linux/mounts.h"
#include "runtime/linux/namespaces.h"
#include "runtime/security/caps.h"
#include "runtime/security/seccomp_plan.h"

static int by_name(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

static void emit_strs(yajl_gen g, const char *key, const char **v, size_t n, bool sort)
{
    if (sort)
        qsort(v, n, sizeof(*v), by_name);
    jg_key(g, key);
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++)
        if (i == 0 || strcmp(v[i], v[i - 1]) != 0)
            jg_str(g, v[i]);
    jg_arr_close(g);
}

static void emit_enabled(yajl_gen g, const char *key, bool on)
{
    jg_key(g, key);
    jg_obj_open(g);
    jg_key_bool(g, "enabled", on);
    jg_obj_close(g);
}

static void emit_seccomp(yajl_gen g)
{
    static const char *actions[] = {
        "SCMP_ACT_ALLOW", "SCMP_ACT_ERRNO", "SCMP_ACT_KILL", "SCMP_ACT_KILL_PROCESS", "SCMP_ACT_KILL_THREAD",
        "SCMP_ACT_LOG", "SCMP_ACT_NOTIFY", "SCMP_ACT_TRACE", "SCMP_ACT_TRAP",
    };
    static const char *ops[] = {
        "SCMP_CMP_EQ", "SCMP_CMP_GE", "SCMP_CMP_GT", "SCMP_CMP_LE", "SCMP_CMP_LT", "SCMP_CMP_MASKED_EQ", "SCMP_CMP_NE",
    };
    static const char *const archs[] = {
        "SCMP_ARCH_AARCH64", "SCMP_ARCH_ARM", "SCMP_ARCH_MIPS", "SCMP_ARCH_MIPS64", "SCMP_ARCH_MIPS64N32",
        "SCMP_ARCH_MIPSEL", "SCMP_ARCH_MIPSEL64", "SCMP_ARCH_MIPSEL64N32", "SCMP_ARCH_PPC", "SCMP_ARCH_PPC64",
        "SCMP_ARCH_PPC64LE", "SCMP_ARCH_RISCV64", "SCMP_ARCH_S390", "SCMP_ARCH_S390X", "SCMP_ARCH_X32",
        "SCMP_ARCH_X86", "SCMP_ARCH_X86_64",
    };
    const char *known[sizeof(archs) / sizeof(*archs)];
    size_t n = 0;
    uint32_t arch;
    for (size_t i = 0; i < sizeof(archs) / sizeof(*archs); i++)
        if (seccomp_arch_from_name(archs[i], &arch) == 0) /* what this libseccomp knows */
            known[n++] = archs[i];
    jg_key(g, "seccomp");
    jg_obj_open(g);
    jg_key_bool(g, "enabled", true);
    emit_strs(g, "actions", actions, sizeof(actions) / sizeof(*actions), false);
    emit_strs(g, "operators", ops, sizeof(ops) / sizeof(*ops), false);
    emit_strs(g, "archs", known, n, false);
    jg_obj_close(g);
}

static void emit_linux(yajl_gen g)
{
    jg_key(g, "linux");
    jg_obj_open(g);
    const char *ns[NS_KINDS];
    for (int k = 0; k < NS_KINDS; k++)
        ns[k] = ns_spec_name(k);
    emit_strs(g, "namespaces", ns, NS_KINDS, true);
    const char *caps[64];
    int n = 0;
    for (; n < 64 && strcmp(caps_name(n), "CAP_?") != 0; n++)
        caps[n] = caps_name(n);
    emit_strs(g, "capabilities", caps, (size_t)n, false);
    jg_key(g, "cgroup");
    jg_obj_open(g);
    jg_key_bool(g, "v1", true);
    jg_key_bool(g, "v2", true);
    jg_key_bool(g, "systemd", false);
    jg_key_bool(g, "systemdUser", false);
    jg_obj_close(g);
    emit_seccomp(g);
    /* Applied when the host has them (process.apparmorProfile, selinuxLabel). */
    emit_enabled(g, "apparmor", true);
    emit_enabled(g, "selinux", true);
    emit_enabled(g, "intelRdt", false);
    jg_obj_close(g);
}

static int features(const struct cli_args *a, struct error **err)
{
    (void)a, (void)err;
    CLEANUP_JSON_GEN yajl_gen gen = cmd_json_gen();
    jg_obj_open(gen);
    jg_key_str(gen, "ociVersionMin", "1.0.0");
    jg_key_str(gen, "ociVersionMax", "1.2.0");
    emit_strs(gen, "hooks", NULL, 0, false);
    const char *opts[128];
    emit_strs(gen, "mountOptions", opts, mount_option_names(opts, 128), true);
    emit_linux(gen);
    const struct scmp_version *v = seccomp_version();
    char version[32];
    snprintf(version, sizeof(version), "%u.%u.%u", v->major, v->minor, v->micro);
    jg_key(gen, "annotations");
    jg_obj_open(gen);
    jg_key_str(gen, "io.github.seccomp.libseccomp.version", version);
    jg_obj_close(gen);
    jg_obj_close(gen);
    cmd_json_print(gen);
    return 0;
}

const struct cli_command cmd_features = {
    .name = "features",
    .fn = features,
    .summary = "print the features this runtime supports (JSON)",
    .max_args = 0,
};
