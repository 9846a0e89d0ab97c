/* Dependencies, depth first, each laid down once beneath what needs it. */
#include <errno.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/appc/resolve.h"

void appc_resolver_clear(struct appc_resolver *r)
{
    strv_free(r->stack);
    r->stack = NULL;
}

static int push(struct appc_resolver *r, const char *name, struct error **err)
{
    size_t depth = strv_len(r->stack);
    for (size_t i = 0; i < depth; i++) {
        if (strcmp(r->stack[i], name) != 0)
            continue;
        char *chain = xstrdup("");
        for (size_t j = i; j < depth; j++) {
            char *next = xasprintf("%s%s -> ", chain, r->stack[j]);
            free(chain);
            chain = next;
        }
        error_setc(err, EXIT_INVALID, 0, "dependency loop: %s%s", chain, name);
        free(chain);
        return -1;
    }
    if (depth >= APPC_MAX_DEPTH)
        return error_setc(err, EXIT_INVALID, 0, "%s: dependencies nested deeper than %d", name, APPC_MAX_DEPTH);
    strv_append(&r->stack, name);
    return 0;
}

static void pop(struct appc_resolver *r)
{
    size_t n = strv_len(r->stack);
    free(r->stack[n - 1]);
    r->stack[n - 1] = NULL;
}

static int lower_paths(struct store *s, const struct appc_image *img, char ***paths, struct error **err)
{
    for (size_t i = 0; i < img->n_layers; i++)
        if (aci_layer_paths(s, img->layers[i].digest, paths, err) < 0)
            return -1;
    return 0;
}

static int import_deps(struct appc_resolver *r, const struct aci_info *info, const char *dir, struct appc_image *img,
                       struct error **err)
{
    for (size_t i = 0; i < info->manifest.n_deps; i++) {
        const struct appc_dependency *d = &info->manifest.deps[i];
        struct appc_image dep = { 0 };
        if (appc_resolve(r, d->name, &d->labels, d->image_id, dir, &dep, err) < 0)
            return error_prefix(err, "%s: dependencies[%zu]", info->manifest.name, i);
        for (size_t j = 0; j < dep.n_layers; j++)
            appc_image_add_layer(img, dep.layers[j].digest, dep.layers[j].size);
        appc_image_clear(&dep);
    }
    return 0;
}

static int build(struct appc_resolver *r, const char *file, const struct aci_info *info, struct appc_image *out,
                 struct error **err)
{
    CLEANUP_FREE char *copy = xstrdup(file);
    const char *dir = dirname(copy);
    if (import_deps(r, info, dir, out, err) < 0)
        return -1;
    CLEANUP_STRV char **lower = NULL;
    char *const *wl = info->manifest.path_whitelist;
    if (wl && *wl && lower_paths(r->s, out, &lower, err) < 0)
        return -1;
    char layer[DIGEST_STR_LEN + 1];
    uint64_t size = 0;
    if (aci_convert(r->s, file, wl, lower, layer, &size, err) < 0)
        return -1;
    appc_image_add_layer(out, layer, size);
    return appc_store_put(r->s, info, out, err);
}

static int import_info(struct appc_resolver *r, const char *file, const struct aci_info *info,
                       struct appc_image *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    int found = appc_store_find_id(r->s, info->image_id, out, err);
    if (found != 0)
        return found < 0 ? -1 : 0; /* the same bytes were imported before */
    if (push(r, info->manifest.name, err) < 0)
        return -1;
    int ret = build(r, file, info, out, err);
    pop(r);
    if (ret < 0)
        appc_image_clear(out);
    return ret;
}

int appc_import_file(struct appc_resolver *r, const char *file, struct appc_image *out, struct error **err)
{
    struct aci_info info;
    if (aci_scan(file, &info, err) < 0)
        return -1;
    int ret = import_info(r, file, &info, out, err);
    aci_info_clear(&info);
    return ret;
}

/* The file is the dependency asked for: name, labels, ID. */
static int import_checked(struct appc_resolver *r, const char *file, const char *name,
                          const struct appc_labels *labels, const char *image_id, struct appc_image *out,
                          struct error **err)
{
    struct aci_info info;
    if (aci_scan(file, &info, err) < 0)
        return -1;
    int ret = 0;
    if (strcmp(info.manifest.name, name) != 0)
        ret = error_setc(err, EXIT_INVALID, 0, "%s: is \"%s\", not the \"%s\" asked for", file, info.manifest.name,
                         name);
    else if (!appc_labels_match(&info.manifest.labels, labels))
        ret = error_setc(err, EXIT_INVALID, 0, "%s: its labels do not match the ones asked for", file);
    else if (image_id && strcmp(info.image_id, image_id) != 0)
        ret = error_setc(err, EXIT_INVALID, 0, "%s: image ID %s does not match the imageID %s asked for", file,
                         info.image_id, image_id);
    if (ret == 0)
        ret = import_info(r, file, &info, out, err);
    aci_info_clear(&info);
    return ret;
}

/* DIR/BASE-VERSION-OS-ARCH.aci, DIR/BASE-VERSION.aci, DIR/BASE.aci (BASE: the name's last component). */
static char *beside(const char *dir, const char *name, const struct appc_labels *labels)
{
    const char *slash = strrchr(name, '/');
    const char *base = slash ? slash + 1 : name;
    const char *v = appc_label_get(labels, "version"), *os = appc_label_get(labels, "os"),
               *arch = appc_label_get(labels, "arch");
    char *candidates[3] = {
        v && os && arch ? xasprintf("%s/%s-%s-%s-%s.aci", dir, base, v, os, arch) : NULL,
        v ? xasprintf("%s/%s-%s.aci", dir, base, v) : NULL,
        xasprintf("%s/%s.aci", dir, base),
    };
    char *found = NULL;
    for (size_t i = 0; i < 3; i++) {
        if (!found && candidates[i] && access(candidates[i], F_OK) == 0)
            found = TAKE_PTR(candidates[i]);
        free(candidates[i]);
    }
    return found;
}

int appc_resolve(struct appc_resolver *r, const char *name, const struct appc_labels *labels, const char *image_id,
                 const char *dir, struct appc_image *out, struct error **err)
{
    int found = image_id ? appc_store_find_id(r->s, image_id, out, err) : appc_store_find(r->s, name, labels, out, err);
    if (found != 0)
        return found < 0 ? -1 : 0;
    CLEANUP_FREE char *file = dir ? beside(dir, name, labels) : NULL;
    if (file)
        return import_checked(r, file, name, labels, image_id, out, err);
    if (!r->fetcher)
        return error_setc(err, EXIT_NOTFOUND, 0, "%s: not in the store%s%s and no discovery (use appc:%s)", name,
                          dir ? " nor beside the image in " : "", dir ? dir : "", name);
    CLEANUP_FREE char *fetched = NULL;
    if (r->fetcher->fetch(r->fetcher->ctx, name, labels, &fetched, err) < 0)
        return -1;
    int ret = import_checked(r, fetched, name, labels, image_id, out, err);
    unlink(fetched);
    return ret;
}
