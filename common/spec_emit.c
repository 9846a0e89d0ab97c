/* struct spec -> config.json, in the order runc writes it. Absent optional
 * fields are left out. */
#include <string.h>

#include "cleanup.h"
#include "fs.h"
#include "json.h"
#include "spec.h"

static void emit_kv_map(yajl_gen g, const char *key, const struct spec_kv *kv, size_t n)
{
    if (kv == NULL && n == 0)
        return;
    jg_key(g, key);
    jg_obj_open(g);
    for (size_t i = 0; i < n; i++)
        jg_key_str(g, kv[i].key, kv[i].value);
    jg_obj_close(g);
}

static void emit_user(yajl_gen g, const struct spec_user *u)
{
    jg_key(g, "user");
    jg_obj_open(g);
    jg_key(g, "uid");
    jg_uint(g, u->uid);
    jg_key(g, "gid");
    jg_uint(g, u->gid);
    if (u->has_umask) {
        jg_key(g, "umask");
        jg_uint(g, u->umask);
    }
    if (u->n_additional_gids) {
        jg_key(g, "additionalGids");
        jg_arr_open(g);
        for (size_t i = 0; i < u->n_additional_gids; i++)
            jg_uint(g, u->additional_gids[i]);
        jg_arr_close(g);
    }
    jg_key_str(g, "username", u->username);
    jg_obj_close(g);
}

static void emit_capabilities(yajl_gen g, const struct spec_capabilities *c)
{
    jg_key(g, "capabilities");
    jg_obj_open(g);
    jg_key_strv(g, "bounding", c->bounding);
    jg_key_strv(g, "effective", c->effective);
    jg_key_strv(g, "inheritable", c->inheritable);
    jg_key_strv(g, "permitted", c->permitted);
    jg_key_strv(g, "ambient", c->ambient);
    jg_obj_close(g);
}

static void emit_process(yajl_gen g, const struct spec_process *p)
{
    jg_key(g, "process");
    jg_obj_open(g);
    jg_key_bool(g, "terminal", p->terminal);
    if (p->has_console_size) {
        jg_key(g, "consoleSize");
        jg_obj_open(g);
        jg_key_int(g, "height", p->console_height);
        jg_key_int(g, "width", p->console_width);
        jg_obj_close(g);
    }
    emit_user(g, &p->user);
    jg_key_strv(g, "args", p->args);
    jg_key_str(g, "commandLine", p->command_line);
    jg_key_strv(g, "env", p->env);
    jg_key_str(g, "cwd", p->cwd ? p->cwd : "/");
    if (p->capabilities)
        emit_capabilities(g, p->capabilities);
    if (p->n_rlimits) {
        jg_key(g, "rlimits");
        jg_arr_open(g);
        for (size_t i = 0; i < p->n_rlimits; i++) {
            jg_obj_open(g);
            jg_key_str(g, "type", p->rlimits[i].type);
            jg_key(g, "hard");
            jg_uint(g, p->rlimits[i].hard);
            jg_key(g, "soft");
            jg_uint(g, p->rlimits[i].soft);
            jg_obj_close(g);
        }
        jg_arr_close(g);
    }
    if (p->no_new_privileges)
        jg_key_bool(g, "noNewPrivileges", true);
    jg_key_str(g, "apparmorProfile", p->apparmor_profile);
    jg_key_str(g, "selinuxLabel", p->selinux_label);
    if (p->has_oom_score_adj)
        jg_key_int(g, "oomScoreAdj", p->oom_score_adj);
    jg_obj_close(g);
}

static void emit_mounts(yajl_gen g, const struct spec *s)
{
    jg_key(g, "mounts");
    jg_arr_open(g);
    for (size_t i = 0; i < s->n_mounts; i++) {
        const struct spec_mount *m = &s->mounts[i];
        jg_obj_open(g);
        jg_key_str(g, "destination", m->destination);
        jg_key_str(g, "type", m->type);
        jg_key_str(g, "source", m->source);
        jg_key_strv(g, "options", m->options);
        jg_obj_close(g);
    }
    jg_arr_close(g);
}

static void emit_hooks(yajl_gen g, const struct spec_hooks *h)
{
    jg_key(g, "hooks");
    jg_obj_open(g);
    for (int k = 0; k < HOOK_KINDS; k++) {
        if (h->count[k] == 0)
            continue;
        jg_key(g, spec_hook_names[k]);
        jg_arr_open(g);
        for (size_t i = 0; i < h->count[k]; i++) {
            const struct spec_hook *hk = &h->list[k][i];
            jg_obj_open(g);
            jg_key_str(g, "path", hk->path);
            jg_key_strv(g, "args", hk->args);
            jg_key_strv(g, "env", hk->env);
            if (hk->has_timeout)
                jg_key_int(g, "timeout", hk->timeout);
            jg_obj_close(g);
        }
        jg_arr_close(g);
    }
    jg_obj_close(g);
}

static void emit_id_mappings(yajl_gen g, const char *key, const struct spec_id_mapping *m, size_t n)
{
    if (n == 0)
        return;
    jg_key(g, key);
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++) {
        jg_obj_open(g);
        jg_key_int(g, "containerID", m[i].container_id);
        jg_key_int(g, "hostID", m[i].host_id);
        jg_key_int(g, "size", m[i].size);
        jg_obj_close(g);
    }
    jg_arr_close(g);
}

static void emit_devices(yajl_gen g, const struct spec_device *d, size_t n)
{
    if (n == 0)
        return;
    jg_key(g, "devices");
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++) {
        jg_obj_open(g);
        jg_key_str(g, "path", d[i].path);
        jg_key_str(g, "type", d[i].type);
        jg_key_int(g, "major", d[i].major);
        jg_key_int(g, "minor", d[i].minor);
        if (d[i].has_file_mode)
            jg_key_int(g, "fileMode", d[i].file_mode);
        if (d[i].has_uid)
            jg_key_int(g, "uid", d[i].uid);
        if (d[i].has_gid)
            jg_key_int(g, "gid", d[i].gid);
        jg_obj_close(g);
    }
    jg_arr_close(g);
}

static void emit_device_rules(yajl_gen g, const struct spec_resources *r)
{
    jg_key(g, "devices");
    jg_arr_open(g);
    for (size_t i = 0; i < r->n_devices; i++) {
        const struct spec_device_rule *d = &r->devices[i];
        jg_obj_open(g);
        jg_key_bool(g, "allow", d->allow);
        jg_key_str(g, "type", d->type);
        if (d->has_major)
            jg_key_int(g, "major", d->major);
        if (d->has_minor)
            jg_key_int(g, "minor", d->minor);
        jg_key_str(g, "access", d->access);
        jg_obj_close(g);
    }
    jg_arr_close(g);
}

#define EMIT_OPT_INT(g, obj, has, key, field) \
    do {                                      \
        if ((obj)->has)                       \
            jg_key_int(g, key, (obj)->field); \
    } while (0)
#define EMIT_OPT_UINT(g, obj, has, key, field) \
    do {                                       \
        if ((obj)->has) {                      \
            jg_key(g, key);                    \
            jg_uint(g, (obj)->field);          \
        }                                      \
    } while (0)

static void emit_memory_cpu(yajl_gen g, const struct spec_resources *r)
{
    if (r->has_memory) {
        const struct spec_memory *m = &r->memory;
        jg_key(g, "memory");
        jg_obj_open(g);
        EMIT_OPT_INT(g, m, has_limit, "limit", limit);
        EMIT_OPT_INT(g, m, has_reservation, "reservation", reservation);
        EMIT_OPT_INT(g, m, has_swap, "swap", swap);
        EMIT_OPT_INT(g, m, has_kernel, "kernel", kernel);
        EMIT_OPT_INT(g, m, has_kernel_tcp, "kernelTCP", kernel_tcp);
        EMIT_OPT_UINT(g, m, has_swappiness, "swappiness", swappiness);
        if (m->has_disable_oom_killer)
            jg_key_bool(g, "disableOOMKiller", m->disable_oom_killer);
        jg_obj_close(g);
    }
    if (r->has_cpu) {
        const struct spec_cpu *c = &r->cpu;
        jg_key(g, "cpu");
        jg_obj_open(g);
        EMIT_OPT_UINT(g, c, has_shares, "shares", shares);
        EMIT_OPT_INT(g, c, has_quota, "quota", quota);
        EMIT_OPT_UINT(g, c, has_period, "period", period);
        EMIT_OPT_INT(g, c, has_realtime_runtime, "realtimeRuntime", realtime_runtime);
        EMIT_OPT_UINT(g, c, has_realtime_period, "realtimePeriod", realtime_period);
        EMIT_OPT_INT(g, c, has_idle, "idle", idle);
        jg_key_str(g, "cpus", c->cpus);
        jg_key_str(g, "mems", c->mems);
        jg_obj_close(g);
    }
}

static void emit_resources(yajl_gen g, const struct spec_resources *r)
{
    jg_key(g, "resources");
    jg_obj_open(g);
    emit_device_rules(g, r);
    emit_memory_cpu(g, r);
    if (r->has_pids_limit) {
        jg_key(g, "pids");
        jg_obj_open(g);
        jg_key_int(g, "limit", r->pids_limit);
        jg_obj_close(g);
    }
    if (r->has_blkio_weight) {
        jg_key(g, "blockIO");
        jg_obj_open(g);
        jg_key_int(g, "weight", r->blkio_weight);
        jg_obj_close(g);
    }
    if (r->n_hugepage_limits) {
        jg_key(g, "hugepageLimits");
        jg_arr_open(g);
        for (size_t i = 0; i < r->n_hugepage_limits; i++) {
            jg_obj_open(g);
            jg_key_str(g, "pageSize", r->hugepage_limits[i].page_size);
            jg_key(g, "limit");
            jg_uint(g, r->hugepage_limits[i].limit);
            jg_obj_close(g);
        }
        jg_arr_close(g);
    }
    emit_kv_map(g, "unified", r->unified, r->n_unified);
    jg_obj_close(g);
}

static void emit_seccomp_syscall(yajl_gen g, const struct spec_seccomp_syscall *sc)
{
    jg_obj_open(g);
    jg_key_strv(g, "names", sc->names);
    jg_key_str(g, "action", sc->action);
    EMIT_OPT_UINT(g, sc, has_errno_ret, "errnoRet", errno_ret);
    if (sc->n_args) {
        jg_key(g, "args");
        jg_arr_open(g);
        for (size_t j = 0; j < sc->n_args; j++) {
            jg_obj_open(g);
            jg_key_int(g, "index", sc->args[j].index);
            jg_key(g, "value");
            jg_uint(g, sc->args[j].value);
            if (sc->args[j].value_two) {
                jg_key(g, "valueTwo");
                jg_uint(g, sc->args[j].value_two);
            }
            jg_key_str(g, "op", sc->args[j].op);
            jg_obj_close(g);
        }
        jg_arr_close(g);
    }
    jg_obj_close(g);
}

static void emit_seccomp(yajl_gen g, const struct spec_seccomp *s)
{
    jg_key(g, "seccomp");
    jg_obj_open(g);
    jg_key_str(g, "defaultAction", s->default_action);
    EMIT_OPT_UINT(g, s, has_default_errno_ret, "defaultErrnoRet", default_errno_ret);
    jg_key_strv(g, "architectures", s->architectures);
    jg_key_strv(g, "flags", s->flags);
    jg_key_str(g, "listenerPath", s->listener_path);
    jg_key_str(g, "listenerMetadata", s->listener_metadata);
    jg_key(g, "syscalls");
    jg_arr_open(g);
    for (size_t i = 0; i < s->n_syscalls; i++)
        emit_seccomp_syscall(g, &s->syscalls[i]);
    jg_arr_close(g);
    jg_obj_close(g);
}

static void emit_linux(yajl_gen g, const struct spec_linux *l)
{
    jg_key(g, "linux");
    jg_obj_open(g);
    emit_id_mappings(g, "uidMappings", l->uid_mappings, l->n_uid_mappings);
    emit_id_mappings(g, "gidMappings", l->gid_mappings, l->n_gid_mappings);
    emit_kv_map(g, "sysctl", l->sysctl, l->n_sysctl);
    if (l->resources)
        emit_resources(g, l->resources);
    jg_key_str(g, "cgroupsPath", l->cgroups_path);
    jg_key(g, "namespaces");
    jg_arr_open(g);
    for (size_t i = 0; i < l->n_namespaces; i++) {
        jg_obj_open(g);
        jg_key_str(g, "type", l->namespaces[i].type);
        jg_key_str(g, "path", l->namespaces[i].path);
        jg_obj_close(g);
    }
    jg_arr_close(g);
    emit_devices(g, l->devices, l->n_devices);
    if (l->seccomp)
        emit_seccomp(g, l->seccomp);
    jg_key_str(g, "rootfsPropagation", l->rootfs_propagation);
    jg_key_strv(g, "maskedPaths", l->masked_paths);
    jg_key_strv(g, "readonlyPaths", l->readonly_paths);
    jg_key_str(g, "mountLabel", l->mount_label);
    jg_obj_close(g);
}

void spec_emit(const struct spec *s, yajl_gen g)
{
    jg_obj_open(g);
    jg_key_str(g, "ociVersion", s->oci_version ? s->oci_version : SPEC_OCI_VERSION);
    if (s->process)
        emit_process(g, s->process);
    if (s->root) {
        jg_key(g, "root");
        jg_obj_open(g);
        jg_key_str(g, "path", s->root->path);
        if (s->root->readonly)
            jg_key_bool(g, "readonly", true);
        jg_obj_close(g);
    }
    jg_key_str(g, "hostname", s->hostname);
    jg_key_str(g, "domainname", s->domainname);
    emit_mounts(g, s);
    if (s->hooks)
        emit_hooks(g, s->hooks);
    emit_kv_map(g, "annotations", s->annotations, s->n_annotations);
    if (s->linux_)
        emit_linux(g, s->linux_);
    jg_obj_close(g);
}

int spec_write_file(const struct spec *s, const char *path, bool durable, struct error **err)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(true);
    spec_emit(s, g);
    size_t len = 0;
    const char *text = jg_text(g, &len);
    return durable ? write_file_atomic(path, text, len, 0644, err) : write_file_atomic_unsynced(path, text, len, 0644, err);
}
