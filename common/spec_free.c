/* Freeing struct spec, and the small accessors builders and readers share. */
#include <stdlib.h>
#include <string.h>

#include "cleanup.h"
#include "spec.h"
#include "common/strv.h"
#include "common/xalloc.h"

static void kv_free(struct spec_kv *kv, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        free(kv[i].key);
        free(kv[i].value);
    }
    free(kv);
}

void spec_process_free(struct spec_process *p)
{
    if (p == NULL)
        return;
    free(p->user.additional_gids);
    free(p->user.username);
    strv_free(p->args);
    free(p->command_line);
    strv_free(p->env);
    free(p->cwd);
    if (p->capabilities) {
        strv_free(p->capabilities->bounding);
        strv_free(p->capabilities->effective);
        strv_free(p->capabilities->inheritable);
        strv_free(p->capabilities->permitted);
        strv_free(p->capabilities->ambient);
        free(p->capabilities);
    }
    for (size_t i = 0; i < p->n_rlimits; i++)
        free(p->rlimits[i].type);
    free(p->rlimits);
    free(p->apparmor_profile);
    free(p->selinux_label);
    free(p);
}

static void hooks_free(struct spec_hooks *h)
{
    if (h == NULL)
        return;
    for (int k = 0; k < HOOK_KINDS; k++) {
        for (size_t i = 0; i < h->count[k]; i++) {
            free(h->list[k][i].path);
            strv_free(h->list[k][i].args);
            strv_free(h->list[k][i].env);
        }
        free(h->list[k]);
    }
    free(h);
}

void spec_device_rules_clear(struct spec_resources *r)
{
    for (size_t i = 0; i < r->n_devices; i++) {
        free(r->devices[i].type);
        free(r->devices[i].access);
    }
    free(r->devices);
    r->devices = NULL;
    r->n_devices = 0;
}

void spec_resources_free(struct spec_resources *r)
{
    if (r == NULL)
        return;
    spec_device_rules_clear(r);
    free(r->cpu.cpus);
    free(r->cpu.mems);
    for (size_t i = 0; i < r->n_hugepage_limits; i++)
        free(r->hugepage_limits[i].page_size);
    free(r->hugepage_limits);
    kv_free(r->unified, r->n_unified);
    free(r);
}

void spec_seccomp_free(struct spec_seccomp *s)
{
    if (s == NULL)
        return;
    free(s->default_action);
    strv_free(s->architectures);
    strv_free(s->flags);
    free(s->listener_path);
    free(s->listener_metadata);
    for (size_t i = 0; i < s->n_syscalls; i++) {
        strv_free(s->syscalls[i].names);
        free(s->syscalls[i].action);
        for (size_t j = 0; j < s->syscalls[i].n_args; j++)
            free(s->syscalls[i].args[j].op);
        free(s->syscalls[i].args);
    }
    free(s->syscalls);
    free(s);
}

static void linux_free(struct spec_linux *l)
{
    if (l == NULL)
        return;
    for (size_t i = 0; i < l->n_namespaces; i++) {
        free(l->namespaces[i].type);
        free(l->namespaces[i].path);
    }
    free(l->namespaces);
    free(l->uid_mappings);
    free(l->gid_mappings);
    for (size_t i = 0; i < l->n_devices; i++) {
        free(l->devices[i].path);
        free(l->devices[i].type);
    }
    free(l->devices);
    free(l->cgroups_path);
    spec_resources_free(l->resources);
    kv_free(l->sysctl, l->n_sysctl);
    spec_seccomp_free(l->seccomp);
    free(l->rootfs_propagation);
    strv_free(l->masked_paths);
    strv_free(l->readonly_paths);
    free(l->mount_label);
    free(l);
}

void spec_free(struct spec *s)
{
    if (s == NULL)
        return;
    free(s->oci_version);
    if (s->root) {
        free(s->root->path);
        free(s->root);
    }
    spec_process_free(s->process);
    free(s->hostname);
    free(s->domainname);
    for (size_t i = 0; i < s->n_mounts; i++) {
        free(s->mounts[i].destination);
        free(s->mounts[i].type);
        free(s->mounts[i].source);
        strv_free(s->mounts[i].options);
    }
    free(s->mounts);
    hooks_free(s->hooks);
    kv_free(s->annotations, s->n_annotations);
    linux_free(s->linux_);
    free(s);
}

void spec_freep(struct spec **s)
{
    spec_free(*s);
}

const char *spec_annotation(const struct spec *s, const char *key)
{
    for (size_t i = 0; i < s->n_annotations; i++)
        if (strcmp(s->annotations[i].key, key) == 0)
            return s->annotations[i].value;
    return NULL;
}

void spec_set_annotation(struct spec *s, const char *key, const char *value)
{
    for (size_t i = 0; i < s->n_annotations; i++) {
        if (strcmp(s->annotations[i].key, key) == 0) {
            free(s->annotations[i].value);
            s->annotations[i].value = xstrdup(value);
            return;
        }
    }
    s->annotations = xrealloc(s->annotations, (s->n_annotations + 1) * sizeof(*s->annotations));
    s->annotations[s->n_annotations++] = (struct spec_kv){ xstrdup(key), xstrdup(value) };
}

const struct spec_namespace *spec_namespace_find(const struct spec *s, const char *type)
{
    if (s->linux_ == NULL)
        return NULL;
    for (size_t i = 0; i < s->linux_->n_namespaces; i++)
        if (strcmp(s->linux_->namespaces[i].type, type) == 0)
            return &s->linux_->namespaces[i];
    return NULL;
}

struct spec_mount *spec_mount_find(struct spec *s, const char *destination)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (strcmp(s->mounts[i].destination, destination) == 0)
            return &s->mounts[i];
    return NULL;
}

bool spec_mount_covers_root(const char *destination)
{
    return destination && destination[0] == '/' && destination[strspn(destination, "/")] == '\0';
}

bool spec_has_root_mount(const struct spec *s)
{
    for (size_t i = 0; i < s->n_mounts; i++)
        if (spec_mount_covers_root(s->mounts[i].destination))
            return true;
    return false;
}

void spec_add_mount(struct spec *s, const char *dest, const char *type, const char *source,
                    const char *const *options)
{
    s->mounts = xrealloc(s->mounts, (s->n_mounts + 1) * sizeof(*s->mounts));
    s->mounts[s->n_mounts++] = (struct spec_mount){
        .destination = xstrdup(dest),
        .type = type ? xstrdup(type) : NULL,
        .source = source ? xstrdup(source) : NULL,
        .options = strv_copy(options),
    };
}

void spec_process_freep(struct spec_process **p)
{
    spec_process_free(*p);
}
