/* A config an ordinary user can run, the shape of runc's `spec --rootless`:
 * a user namespace mapping the user to 0, no device nodes (the host's bound
 * instead), no uid=/gid= mount options for ids that may not be mapped, /sys
 * bound when there is no network namespace of our own to mount sysfs in,
 * and no limits that cannot be applied. See specs/rootless.md. */
#include <stdlib.h>
#include <string.h>

#include "common/spec.h"
#include "common/strv.h"
#include "common/xalloc.h"

static const char *const host_devices[] = {
    "/dev/null", "/dev/zero", "/dev/full", "/dev/random", "/dev/urandom", "/dev/tty", NULL,
};

static void drop_namespace(struct spec_linux *l, const char *type)
{
    size_t kept = 0;
    for (size_t i = 0; i < l->n_namespaces; i++) {
        if (strcmp(l->namespaces[i].type, type) == 0) {
            free(l->namespaces[i].type);
            free(l->namespaces[i].path);
            continue;
        }
        l->namespaces[kept++] = l->namespaces[i];
    }
    l->n_namespaces = kept;
}

static void add_user_namespace(struct spec_linux *l)
{
    drop_namespace(l, "user");
    l->namespaces = xrealloc(l->namespaces, (l->n_namespaces + 1) * sizeof(*l->namespaces));
    l->namespaces[l->n_namespaces++] = (struct spec_namespace){ .type = xstrdup("user") };
}

/* 0 -> id (1), then 1 -> the subordinate range when there is one. */
static void set_map(struct spec_id_mapping **maps, size_t *n, uint32_t id, uint32_t sub, uint32_t n_sub)
{
    free(*maps);
    *n = n_sub ? 2 : 1;
    *maps = xcalloc(*n, sizeof(**maps));
    (*maps)[0] = (struct spec_id_mapping){ .container_id = 0, .host_id = id, .size = 1 };
    if (n_sub)
        (*maps)[1] = (struct spec_id_mapping){ .container_id = 1, .host_id = sub, .size = n_sub };
}

static void drop_id_options(struct spec_mount *m)
{
    char **kept = xcalloc(strv_len(m->options) + 1, sizeof(char *));
    size_t n = 0;
    for (char **o = m->options; o && *o; o++) {
        if (strncmp(*o, "uid=", 4) == 0 || strncmp(*o, "gid=", 4) == 0)
            free(*o);
        else
            kept[n++] = *o;
    }
    free(m->options);
    m->options = kept;
}

static void bind_sys(struct spec_mount *m)
{
    free(m->type);
    free(m->source);
    strv_free(m->options);
    m->type = xstrdup("none");
    m->source = xstrdup("/sys");
    m->options = strv_copy((const char *const[]){ "rbind", "nosuid", "noexec", "nodev", "ro", NULL });
}

static void fix_mounts(struct spec *s, bool keep_netns)
{
    for (size_t i = 0; i < s->n_mounts; i++) {
        struct spec_mount *m = &s->mounts[i];
        drop_id_options(m);
        if (!keep_netns && strcmp(m->destination, "/sys") == 0)
            bind_sys(m);
    }
    for (const char *const *d = host_devices; *d; d++)
        if (spec_mount_find(s, *d) == NULL)
            spec_add_mount(s, *d, "bind", *d, (const char *const[]){ "bind", "nosuid", "noexec", NULL });
}

static void drop_devices(struct spec_linux *l)
{
    for (size_t i = 0; i < l->n_devices; i++) {
        free(l->devices[i].path);
        free(l->devices[i].type);
    }
    free(l->devices);
    l->devices = NULL;
    l->n_devices = 0;
}

/* Device rules are not limits: a user cannot set them at all, and they go
 * without a word. */
void spec_limit_names(const struct spec_resources *r, char ***out)
{
    const struct spec_memory *m = &r->memory;
    const struct spec_cpu *c = &r->cpu;
    if (r->has_memory && (m->has_limit || m->has_reservation || m->has_swap || m->has_kernel ||
                          m->has_swappiness || m->has_disable_oom_killer))
        strv_append(out, "memory");
    if (r->has_cpu && (c->has_shares || c->has_quota || c->has_period || c->has_realtime_runtime ||
                       c->has_realtime_period || c->has_idle || c->cpus || c->mems))
        strv_append(out, "cpu");
    if (r->has_pids_limit)
        strv_append(out, "pids");
    if (r->has_blkio_weight)
        strv_append(out, "blkio");
    if (r->n_hugepage_limits)
        strv_append(out, "hugetlb");
    if (r->n_unified)
        strv_append(out, "unified");
}

static void drop_limits(struct spec_linux *l, bool keep_limits, char ***dropped)
{
    struct spec_resources *r = l->resources;
    if (r == NULL)
        return;
    spec_device_rules_clear(r);
    if (keep_limits)
        return;
    if (dropped)
        spec_limit_names(r, dropped);
    spec_resources_free(r);
    l->resources = NULL;
}

void spec_make_rootless(struct spec *s, const struct spec_rootless_opts *o, char ***dropped)
{
    struct spec_linux *l = s->linux_;
    if (l == NULL)
        l = s->linux_ = xcalloc(1, sizeof(*l));
    if (!o->keep_netns)
        drop_namespace(l, "network");
    add_user_namespace(l);
    set_map(&l->uid_mappings, &l->n_uid_mappings, o->uid, o->subuid, o->n_subuid);
    set_map(&l->gid_mappings, &l->n_gid_mappings, o->gid, o->subgid, o->n_subgid);
    fix_mounts(s, o->keep_netns);
    drop_devices(l);
    drop_limits(l, o->keep_limits, dropped);
}
