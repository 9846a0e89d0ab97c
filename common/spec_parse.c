/* config.json -> struct spec. Types are checked field by field; every error
 * names the JSON path. Semantic validation (which values make sense on this
 * host) belongs to the runtime. */
#include <limits.h>
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "json.h"
#include "spec.h"
#include "common/xalloc.h"

#define TRY(expr)          \
    do {                   \
        if ((expr) < 0)    \
            return -1;     \
    } while (0)

static int get_str(yajl_val o, const char *path, const char *key, char **out, struct error **err)
{
    const char *s = NULL;
    int r = json_get_string(o, path, key, &s, err);
    if (r > 0)
        *out = xstrdup(s);
    return r;
}

/* A member that must be there: absent is "missing", a wrong type says so. */
static int require_str(yajl_val o, const char *path, const char *key, char **out, struct error **err)
{
    int r = get_str(o, path, key, out, err);
    if (r == 0)
        return error_setc(err, EXIT_INVALID, 0, "%s%s%s: missing", path, *path ? "." : "", key);
    return r;
}

static int get_u32(yajl_val o, const char *path, const char *key, uint32_t *out, bool *has, struct error **err)
{
    uint64_t v = 0;
    int r = json_get_uint64(o, path, key, &v, err);
    if (r <= 0)
        return r;
    if (v > UINT32_MAX)
        return error_setc(err, EXIT_INVALID, 0, "%s.%s: %llu is out of range", path, key, (unsigned long long)v);
    *out = (uint32_t)v;
    if (has)
        *has = true;
    return r;
}

static int get_i64(yajl_val o, const char *path, const char *key, int64_t *out, bool *has, struct error **err)
{
    int r = json_get_int64(o, path, key, out, err);
    if (r > 0 && has)
        *has = true;
    return r;
}

static int get_u64(yajl_val o, const char *path, const char *key, uint64_t *out, bool *has, struct error **err)
{
    int r = json_get_uint64(o, path, key, out, err);
    if (r > 0 && has)
        *has = true;
    return r;
}

/* Iterate an optional array member: calls fn(elem, elem_path, index). */
typedef int (*elem_fn)(yajl_val v, const char *path, size_t i, void *ctx, struct error **err);
static int each_elem(yajl_val o, const char *path, const char *key, size_t *count, elem_fn fn, void *ctx,
                     struct error **err)
{
    yajl_val arr = NULL;
    int r = json_get_array(o, path, key, &arr, err);
    if (r <= 0)
        return r;
    *count = arr->u.array.len;
    for (size_t i = 0; i < arr->u.array.len; i++) {
        CLEANUP_FREE char *p = xasprintf("%s%s%s[%zu]", path, *path ? "." : "", key, i);
        TRY(fn(arr->u.array.values[i], p, i, ctx, err));
    }
    return 1;
}

/* A {"k": "v"} object of strings. */
static int parse_kv_map(yajl_val o, const char *path, const char *key, struct spec_kv **out, size_t *n,
                        struct error **err)
{
    yajl_val m = NULL;
    int r = json_get_object(o, path, key, &m, err);
    if (r <= 0)
        return r;
    *out = xcalloc(m->u.object.len, sizeof(**out));
    *n = m->u.object.len;
    for (size_t i = 0; i < m->u.object.len; i++) {
        const char *s = NULL;
        CLEANUP_FREE char *p = xasprintf("%s%s%s.%s", path, *path ? "." : "", key, m->u.object.keys[i]);
        TRY(json_as_string(m->u.object.values[i], p, &s, err));
        (*out)[i].key = xstrdup(m->u.object.keys[i]);
        (*out)[i].value = xstrdup(s);
    }
    return 1;
}

static int parse_u32_elem(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    uint32_t *arr = ctx;
    uint64_t x = 0;
    TRY(json_as_uint64(v, path, &x, err));
    if (x > UINT32_MAX)
        return error_setc(err, EXIT_INVALID, 0, "%s: out of range", path);
    arr[i] = (uint32_t)x;
    return 0;
}

static int parse_user(yajl_val o, const char *path, struct spec_user *u, struct error **err)
{
    TRY(json_expect_object(o, path, err));
    TRY(get_u32(o, path, "uid", &u->uid, NULL, err));
    TRY(get_u32(o, path, "gid", &u->gid, NULL, err));
    TRY(get_u32(o, path, "umask", &u->umask, &u->has_umask, err));
    TRY(get_str(o, path, "username", &u->username, err));
    yajl_val arr = json_member(o, "additionalGids");
    if (arr && YAJL_IS_ARRAY(arr))
        u->additional_gids = xcalloc(arr->u.array.len, sizeof(uint32_t));
    return each_elem(o, path, "additionalGids", &u->n_additional_gids, parse_u32_elem, u->additional_gids, err);
}

static int parse_rlimit(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_rlimit *r = &((struct spec_rlimit *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(require_str(v, path, "type", &r->type, err));
    TRY(get_u64(v, path, "hard", &r->hard, NULL, err));
    TRY(get_u64(v, path, "soft", &r->soft, NULL, err));
    return 0;
}

static int parse_capabilities(yajl_val o, const char *path, struct spec_capabilities *c, struct error **err)
{
    TRY(json_expect_object(o, path, err));
    TRY(json_get_strv(o, path, "bounding", &c->bounding, err));
    TRY(json_get_strv(o, path, "effective", &c->effective, err));
    TRY(json_get_strv(o, path, "inheritable", &c->inheritable, err));
    TRY(json_get_strv(o, path, "permitted", &c->permitted, err));
    TRY(json_get_strv(o, path, "ambient", &c->ambient, err));
    return 0;
}

static yajl_val alloc_for_array(yajl_val o, const char *key, void **out, size_t elem)
{
    yajl_val arr = json_member(o, key);
    if (arr && YAJL_IS_ARRAY(arr))
        *out = xcalloc(arr->u.array.len, elem);
    return arr;
}

static int parse_process(yajl_val o, const char *path, struct spec_process *p, struct error **err)
{
    TRY(json_expect_object(o, path, err));
    TRY(json_get_bool(o, path, "terminal", &p->terminal, err));
    yajl_val cs = NULL, user = NULL, caps = NULL;
    TRY(json_get_object(o, path, "consoleSize", &cs, err));
    if (cs) {
        p->has_console_size = true;
        TRY(get_u32(cs, "process.consoleSize", "height", &p->console_height, NULL, err));
        TRY(get_u32(cs, "process.consoleSize", "width", &p->console_width, NULL, err));
    }
    TRY(json_get_object(o, path, "user", &user, err));
    if (user)
        TRY(parse_user(user, "process.user", &p->user, err));
    TRY(json_get_strv(o, path, "args", &p->args, err));
    TRY(get_str(o, path, "commandLine", &p->command_line, err));
    TRY(json_get_strv(o, path, "env", &p->env, err));
    TRY(get_str(o, path, "cwd", &p->cwd, err));
    TRY(json_get_object(o, path, "capabilities", &caps, err));
    if (caps) {
        p->capabilities = xcalloc(1, sizeof(*p->capabilities));
        TRY(parse_capabilities(caps, "process.capabilities", p->capabilities, err));
    }
    alloc_for_array(o, "rlimits", (void **)&p->rlimits, sizeof(*p->rlimits));
    TRY(each_elem(o, path, "rlimits", &p->n_rlimits, parse_rlimit, p->rlimits, err));
    TRY(json_get_bool(o, path, "noNewPrivileges", &p->no_new_privileges, err));
    TRY(get_str(o, path, "apparmorProfile", &p->apparmor_profile, err));
    TRY(get_str(o, path, "selinuxLabel", &p->selinux_label, err));
    int64_t adj = 0;
    if (get_i64(o, path, "oomScoreAdj", &adj, &p->has_oom_score_adj, err) < 0)
        return -1;
    if (p->has_oom_score_adj && (adj < -1000 || adj > 1000))
        return error_setc(err, EXIT_INVALID, 0, "process.oomScoreAdj: %lld is outside -1000..1000", (long long)adj);
    p->oom_score_adj = (int)adj;
    return 0;
}

static int parse_mount(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_mount *m = &((struct spec_mount *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(require_str(v, path, "destination", &m->destination, err));
    TRY(get_str(v, path, "type", &m->type, err));
    TRY(get_str(v, path, "source", &m->source, err));
    TRY(json_get_strv(v, path, "options", &m->options, err));
    return 0;
}

static int parse_hook(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_hook *h = &((struct spec_hook *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(require_str(v, path, "path", &h->path, err));
    TRY(json_get_strv(v, path, "args", &h->args, err));
    TRY(json_get_strv(v, path, "env", &h->env, err));
    int64_t t = 0;
    TRY(get_i64(v, path, "timeout", &t, &h->has_timeout, err));
    if (h->has_timeout && (t <= 0 || t > INT_MAX))
        return error_setc(err, EXIT_INVALID, 0, "%s.timeout: must be between 1 and %d", path, INT_MAX);
    h->timeout = (int)t;
    return 0;
}

const char *const spec_hook_names[HOOK_KINDS] = {
    "prestart", "createRuntime", "createContainer", "startContainer", "poststart", "poststop",
};

static int parse_hooks(yajl_val o, struct spec_hooks *h, struct error **err)
{
    TRY(json_expect_object(o, "hooks", err));
    for (int k = 0; k < HOOK_KINDS; k++) {
        alloc_for_array(o, spec_hook_names[k], (void **)&h->list[k], sizeof(struct spec_hook));
        TRY(each_elem(o, "hooks", spec_hook_names[k], &h->count[k], parse_hook, h->list[k], err));
    }
    return 0;
}

static int parse_namespace(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    static const char *const known[] = { "pid", "network", "mount", "ipc", "uts", "user", "cgroup", "time", NULL };
    struct spec_namespace *n = &((struct spec_namespace *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(require_str(v, path, "type", &n->type, err));
    TRY(get_str(v, path, "path", &n->path, err));
    for (const char *const *k = known; *k; k++)
        if (strcmp(*k, n->type) == 0)
            return 0;
    return error_setc(err, EXIT_INVALID, 0, "%s.type: unknown namespace type \"%s\"", path, n->type);
}

static int parse_id_mapping(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_id_mapping *m = &((struct spec_id_mapping *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(get_u32(v, path, "containerID", &m->container_id, NULL, err));
    TRY(get_u32(v, path, "hostID", &m->host_id, NULL, err));
    TRY(get_u32(v, path, "size", &m->size, NULL, err));
    return 0;
}

static int parse_device(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_device *d = &((struct spec_device *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(require_str(v, path, "path", &d->path, err));
    TRY(require_str(v, path, "type", &d->type, err));
    TRY(get_i64(v, path, "major", &d->major, NULL, err));
    TRY(get_i64(v, path, "minor", &d->minor, NULL, err));
    TRY(get_u32(v, path, "fileMode", &d->file_mode, &d->has_file_mode, err));
    TRY(get_u32(v, path, "uid", &d->uid, &d->has_uid, err));
    TRY(get_u32(v, path, "gid", &d->gid, &d->has_gid, err));
    return 0;
}

/* What the kernel's devices.allow/deny and the v2 emulation take: checked
 * here so that a bad rule is one line before anything is made, never an
 * EINVAL from the cgroup write. */
static int check_device_rule(const struct spec_device_rule *d, const char *path, struct error **err)
{
    if (d->type && strcmp(d->type, "a") != 0 && strcmp(d->type, "b") != 0 && strcmp(d->type, "c") != 0)
        return error_setc(err, EXIT_INVALID, 0, "%s.type: \"%s\" is not a, b or c", path, d->type);
    for (const char *c = d->access ? d->access : ""; *c; c++)
        if (*c != 'r' && *c != 'w' && *c != 'm')
            return error_setc(err, EXIT_INVALID, 0, "%s.access: \"%s\": '%c' is not one of r, w, m", path,
                              d->access, *c);
    return 0;
}

static int parse_device_rule(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_device_rule *d = &((struct spec_device_rule *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    int r = json_get_bool(v, path, "allow", &d->allow, err);
    TRY(r);
    if (r == 0)
        return error_setc(err, EXIT_INVALID, 0, "%s.allow: missing", path);
    TRY(get_str(v, path, "type", &d->type, err));
    TRY(get_i64(v, path, "major", &d->major, &d->has_major, err));
    TRY(get_i64(v, path, "minor", &d->minor, &d->has_minor, err));
    TRY(get_str(v, path, "access", &d->access, err));
    return check_device_rule(d, path, err);
}

static int parse_hugepage(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_hugepage_limit *h = &((struct spec_hugepage_limit *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(require_str(v, path, "pageSize", &h->page_size, err));
    TRY(get_u64(v, path, "limit", &h->limit, NULL, err));
    return 0;
}

static int parse_memory(yajl_val o, struct spec_memory *m, struct error **err)
{
    const char *p = "linux.resources.memory";
    TRY(json_expect_object(o, p, err));
    TRY(get_i64(o, p, "limit", &m->limit, &m->has_limit, err));
    TRY(get_i64(o, p, "reservation", &m->reservation, &m->has_reservation, err));
    TRY(get_i64(o, p, "swap", &m->swap, &m->has_swap, err));
    TRY(get_i64(o, p, "kernel", &m->kernel, &m->has_kernel, err));
    TRY(get_i64(o, p, "kernelTCP", &m->kernel_tcp, &m->has_kernel_tcp, err));
    TRY(get_u64(o, p, "swappiness", &m->swappiness, &m->has_swappiness, err));
    int r = json_get_bool(o, p, "disableOOMKiller", &m->disable_oom_killer, err);
    TRY(r);
    m->has_disable_oom_killer = r > 0;
    return 0;
}

static int parse_cpu(yajl_val o, struct spec_cpu *c, struct error **err)
{
    const char *p = "linux.resources.cpu";
    TRY(json_expect_object(o, p, err));
    TRY(get_u64(o, p, "shares", &c->shares, &c->has_shares, err));
    TRY(get_i64(o, p, "quota", &c->quota, &c->has_quota, err));
    TRY(get_u64(o, p, "period", &c->period, &c->has_period, err));
    TRY(get_i64(o, p, "realtimeRuntime", &c->realtime_runtime, &c->has_realtime_runtime, err));
    TRY(get_u64(o, p, "realtimePeriod", &c->realtime_period, &c->has_realtime_period, err));
    TRY(get_i64(o, p, "idle", &c->idle, &c->has_idle, err));
    TRY(get_str(o, p, "cpus", &c->cpus, err));
    TRY(get_str(o, p, "mems", &c->mems, err));
    return 0;
}

static int parse_resources(yajl_val o, struct spec_resources *r, struct error **err)
{
    const char *p = "linux.resources";
    TRY(json_expect_object(o, p, err));
    alloc_for_array(o, "devices", (void **)&r->devices, sizeof(*r->devices));
    TRY(each_elem(o, p, "devices", &r->n_devices, parse_device_rule, r->devices, err));
    yajl_val v = NULL;
    TRY(json_get_object(o, p, "memory", &v, err));
    if (v) {
        r->has_memory = true;
        TRY(parse_memory(v, &r->memory, err));
    }
    v = NULL;
    TRY(json_get_object(o, p, "cpu", &v, err));
    if (v) {
        r->has_cpu = true;
        TRY(parse_cpu(v, &r->cpu, err));
    }
    v = NULL;
    TRY(json_get_object(o, p, "pids", &v, err));
    if (v)
        TRY(get_i64(v, "linux.resources.pids", "limit", &r->pids_limit, &r->has_pids_limit, err));
    v = NULL;
    TRY(json_get_object(o, p, "blockIO", &v, err));
    if (v) {
        uint32_t w = 0;
        TRY(get_u32(v, "linux.resources.blockIO", "weight", &w, &r->has_blkio_weight, err));
        if (w > UINT16_MAX)
            return error_setc(err, EXIT_INVALID, 0, "linux.resources.blockIO.weight: %u is out of range", w);
        r->blkio_weight = (uint16_t)w;
    }
    alloc_for_array(o, "hugepageLimits", (void **)&r->hugepage_limits, sizeof(*r->hugepage_limits));
    TRY(each_elem(o, p, "hugepageLimits", &r->n_hugepage_limits, parse_hugepage, r->hugepage_limits, err));
    TRY(parse_kv_map(o, p, "unified", &r->unified, &r->n_unified, err));
    return 0;
}

static int parse_seccomp_arg(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_seccomp_arg *a = &((struct spec_seccomp_arg *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(get_u32(v, path, "index", &a->index, NULL, err));
    TRY(get_u64(v, path, "value", &a->value, NULL, err));
    TRY(get_u64(v, path, "valueTwo", &a->value_two, NULL, err));
    TRY(require_str(v, path, "op", &a->op, err));
    return 0;
}

static int parse_seccomp_syscall(yajl_val v, const char *path, size_t i, void *ctx, struct error **err)
{
    struct spec_seccomp_syscall *s = &((struct spec_seccomp_syscall *)ctx)[i];
    TRY(json_expect_object(v, path, err));
    TRY(json_get_strv(v, path, "names", &s->names, err));
    TRY(require_str(v, path, "action", &s->action, err));
    TRY(get_u32(v, path, "errnoRet", &s->errno_ret, &s->has_errno_ret, err));
    alloc_for_array(v, "args", (void **)&s->args, sizeof(*s->args));
    TRY(each_elem(v, path, "args", &s->n_args, parse_seccomp_arg, s->args, err));
    return 0;
}

static int parse_seccomp(yajl_val o, struct spec_seccomp *s, struct error **err)
{
    const char *p = "linux.seccomp";
    TRY(json_expect_object(o, p, err));
    TRY(require_str(o, p, "defaultAction", &s->default_action, err));
    TRY(get_u32(o, p, "defaultErrnoRet", &s->default_errno_ret, &s->has_default_errno_ret, err));
    TRY(json_get_strv(o, p, "architectures", &s->architectures, err));
    TRY(json_get_strv(o, p, "flags", &s->flags, err));
    TRY(get_str(o, p, "listenerPath", &s->listener_path, err));
    TRY(get_str(o, p, "listenerMetadata", &s->listener_metadata, err));
    alloc_for_array(o, "syscalls", (void **)&s->syscalls, sizeof(*s->syscalls));
    TRY(each_elem(o, p, "syscalls", &s->n_syscalls, parse_seccomp_syscall, s->syscalls, err));
    return 0;
}

static int parse_linux(yajl_val o, struct spec_linux *l, struct error **err)
{
    const char *p = "linux";
    TRY(json_expect_object(o, p, err));
    alloc_for_array(o, "namespaces", (void **)&l->namespaces, sizeof(*l->namespaces));
    TRY(each_elem(o, p, "namespaces", &l->n_namespaces, parse_namespace, l->namespaces, err));
    alloc_for_array(o, "uidMappings", (void **)&l->uid_mappings, sizeof(*l->uid_mappings));
    TRY(each_elem(o, p, "uidMappings", &l->n_uid_mappings, parse_id_mapping, l->uid_mappings, err));
    alloc_for_array(o, "gidMappings", (void **)&l->gid_mappings, sizeof(*l->gid_mappings));
    TRY(each_elem(o, p, "gidMappings", &l->n_gid_mappings, parse_id_mapping, l->gid_mappings, err));
    alloc_for_array(o, "devices", (void **)&l->devices, sizeof(*l->devices));
    TRY(each_elem(o, p, "devices", &l->n_devices, parse_device, l->devices, err));
    TRY(get_str(o, p, "cgroupsPath", &l->cgroups_path, err));
    yajl_val v = NULL;
    TRY(json_get_object(o, p, "resources", &v, err));
    if (v) {
        l->resources = xcalloc(1, sizeof(*l->resources));
        TRY(parse_resources(v, l->resources, err));
    }
    TRY(parse_kv_map(o, p, "sysctl", &l->sysctl, &l->n_sysctl, err));
    v = NULL;
    TRY(json_get_object(o, p, "seccomp", &v, err));
    if (v) {
        l->seccomp = xcalloc(1, sizeof(*l->seccomp));
        TRY(parse_seccomp(v, l->seccomp, err));
    }
    TRY(get_str(o, p, "rootfsPropagation", &l->rootfs_propagation, err));
    TRY(json_get_strv(o, p, "maskedPaths", &l->masked_paths, err));
    TRY(json_get_strv(o, p, "readonlyPaths", &l->readonly_paths, err));
    TRY(get_str(o, p, "mountLabel", &l->mount_label, err));
    return 0;
}

static int parse_top(yajl_val root, struct spec *s, struct error **err)
{
    yajl_val v = NULL;
    TRY(json_expect_object(root, "(top level)", err));
    TRY(require_str(root, "", "ociVersion", &s->oci_version, err));
    TRY(json_get_object(root, "", "root", &v, err));
    if (v) {
        s->root = xcalloc(1, sizeof(*s->root));
        TRY(get_str(v, "root", "path", &s->root->path, err));
        TRY(json_get_bool(v, "root", "readonly", &s->root->readonly, err));
    }
    v = NULL;
    TRY(json_get_object(root, "", "process", &v, err));
    if (v) {
        s->process = xcalloc(1, sizeof(*s->process));
        TRY(parse_process(v, "process", s->process, err));
    }
    TRY(get_str(root, "", "hostname", &s->hostname, err));
    TRY(get_str(root, "", "domainname", &s->domainname, err));
    alloc_for_array(root, "mounts", (void **)&s->mounts, sizeof(*s->mounts));
    TRY(each_elem(root, "", "mounts", &s->n_mounts, parse_mount, s->mounts, err));
    v = NULL;
    TRY(json_get_object(root, "", "hooks", &v, err));
    if (v) {
        s->hooks = xcalloc(1, sizeof(*s->hooks));
        TRY(parse_hooks(v, s->hooks, err));
    }
    TRY(parse_kv_map(root, "", "annotations", &s->annotations, &s->n_annotations, err));
    v = NULL;
    TRY(json_get_object(root, "", "linux", &v, err));
    if (v) {
        s->linux_ = xcalloc(1, sizeof(*s->linux_));
        TRY(parse_linux(v, s->linux_, err));
    }
    return 0;
}

int spec_parse_seccomp(yajl_val v, const char *what, struct spec_seccomp **out, struct error **err)
{
    struct spec_seccomp *s = xcalloc(1, sizeof(*s));
    if (parse_seccomp(v, s, err) < 0) {
        spec_seccomp_free(s);
        return error_prefix(err, "%s", what);
    }
    *out = s;
    return 0;
}

int spec_parse_resources(yajl_val v, const char *what, struct spec_resources **out, struct error **err)
{
    struct spec_resources *r = xcalloc(1, sizeof(*r));
    if (parse_resources(v, r, err) < 0) {
        spec_resources_free(r);
        return error_prefix(err, "%s", what);
    }
    *out = r;
    return 0;
}

int spec_parse_tree(yajl_val root, const char *what, struct spec **out, struct error **err)
{
    CLEANUP_SPEC struct spec *s = xcalloc(1, sizeof(*s));
    if (parse_top(root, s, err) < 0)
        return error_prefix(err, "%s", what);
    *out = TAKE_PTR(s);
    return 0;
}

int spec_parse_process_file(const char *path, struct spec_process **out, struct error **err)
{
    CLEANUP_JSON yajl_val root = NULL;
    if (json_parse_file(path, &root, err) < 0)
        return -1;
    CLEANUP_SPEC_PROCESS struct spec_process *p = xcalloc(1, sizeof(*p));
    if (parse_process(root, "process", p, err) < 0)
        return error_prefix(err, "%s", path);
    *out = TAKE_PTR(p);
    return 0;
}

int spec_parse_file(const char *path, struct spec **out, struct error **err)
{
    CLEANUP_JSON yajl_val root = NULL;
    if (json_parse_file(path, &root, err) < 0)
        return -1;
    return spec_parse_tree(root, path, out, err);
}
