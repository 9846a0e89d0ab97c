/* runtime features: what this runtime implements, in the runtime-spec
 * features.json shape. */
#include "common/cleanup.h"
#include "common/json.h"
#include "runtime/cmd/cmd.h"
#include "runtime/linux/namespaces.h"

static const char *const mount_options[] = {
    "async", "atime", "bind", "defaults", "dev", "diratime", "exec", "mand", "noatime",
    "nodev", "nodiratime", "noexec", "nomand", "norelatime", "nostrictatime", "nosuid",
    "private", "rbind", "relatime", "remount", "ro", "rprivate", "rshared", "rslave",
    "runbindable", "rw", "shared", "slave", "strictatime", "suid", "sync", "unbindable", NULL,
};

static void emit_strs(yajl_gen g, const char *key, const char *const *v)
{
    jg_key(g, key);
    jg_arr_open(g);
    for (; *v; v++)
        jg_str(g, *v);
    jg_arr_close(g);
}

static void emit_enabled(yajl_gen g, const char *key, bool on)
{
    jg_key(g, key);
    jg_obj_open(g);
    jg_key_bool(g, "enabled", on);
    jg_obj_close(g);
}

static void emit_linux(yajl_gen g)
{
    jg_key(g, "linux");
    jg_obj_open(g);
    jg_key(g, "namespaces");
    jg_arr_open(g);
    for (int k = 0; k < NS_KINDS; k++)
        jg_str(g, ns_spec_name(k));
    jg_arr_close(g);
    jg_key(g, "cgroup");
    jg_obj_open(g);
    jg_key_bool(g, "v1", true);
    jg_key_bool(g, "v2", true);
    jg_key_bool(g, "systemd", false);
    jg_key_bool(g, "systemdUser", false);
    jg_obj_close(g);
    emit_enabled(g, "apparmor", false);
    emit_enabled(g, "selinux", false);
    jg_obj_close(g);
}

static int features(const struct cli_args *a, struct error **err)
{
    (void)a, (void)err;
    CLEANUP_JSON_GEN yajl_gen gen = cmd_json_gen();
    jg_obj_open(gen);
    jg_key_str(gen, "ociVersionMin", "1.0.0");
    jg_key_str(gen, "ociVersionMax", "1.2.0");
    static const char *const no_hooks[] = { NULL };
    emit_strs(gen, "hooks", no_hooks);
    emit_strs(gen, "mountOptions", mount_options);
    emit_linux(gen);
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
