/* The image manifest's top level: kind, version, name, labels,
 * dependencies, pathWhitelist, annotations (the app is in manifest_app.c). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/appc/manifest.h"
#include "imagetool/appc/manifest_private.h"

static bool digits(const char **p)
{
    const char *s = *p;
    size_t n = strspn(s, "0123456789");
    if (n == 0 || (n > 1 && s[0] == '0'))
        return false;
    *p = s + n;
    return true;
}

/* MAJOR.MINOR.PATCH[-pre][+build] */
static bool semver_ok(const char *s)
{
    if (!digits(&s) || *s++ != '.' || !digits(&s) || *s++ != '.' || !digits(&s))
        return false;
    const char *ok = "0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ-.";
    if (*s == '-') {
        s++;
        size_t n = strspn(s, ok);
        if (n == 0)
            return false;
        s += n;
    }
    if (*s == '+') {
        s++;
        size_t n = strspn(s, ok);
        if (n == 0)
            return false;
        s += n;
    }
    return *s == '\0';
}

static const char *const linux_arches[] = { "amd64", "i386", "aarch64", "aarch64_be", "armv6l", "armv7l",
                                            "armv7b", "ppc64", "ppc64le", "s390x", NULL };
static const char *const freebsd_arches[] = { "amd64", "i386", "arm", NULL };
static const char *const darwin_arches[] = { "x86_64", "i386", NULL };

static bool in_list(const char *const *list, const char *s)
{
    for (; *list; list++)
        if (strcmp(*list, s) == 0)
            return true;
    return false;
}

int appc_os_arch_check(const struct appc_labels *l, const char *path, struct error **err)
{
    const char *os = appc_label_get(l, "os"), *arch = appc_label_get(l, "arch");
    if (!os)
        return 0;
    const char *const *arches = strcmp(os, "linux") == 0     ? linux_arches
                                : strcmp(os, "freebsd") == 0 ? freebsd_arches
                                : strcmp(os, "darwin") == 0  ? darwin_arches
                                                             : NULL;
    if (!arches)
        return error_setc(err, EXIT_INVALID, 0, "%s: bad os \"%s\" (linux, freebsd or darwin)", path, os);
    if (arch && !in_list(arches, arch))
        return error_setc(err, EXIT_INVALID, 0, "%s: bad arch \"%s\" for %s", path, arch, os);
    return 0;
}

static int check_header(yajl_val root, struct error **err)
{
    const char *kind = NULL, *version = NULL;
    if (json_expect_object(root, "manifest", err) < 0 || json_get_string(root, "", "acKind", &kind, err) < 0 ||
        json_get_string(root, "", "acVersion", &version, err) < 0)
        return -1;
    if (!kind || strcmp(kind, "ImageManifest") != 0)
        return error_setc(err, EXIT_INVALID, 0, "acKind: expected \"ImageManifest\", got \"%s\"", kind ? kind : "");
    if (!version)
        return error_setc(err, EXIT_INVALID, 0, "acVersion: missing");
    if (!semver_ok(version))
        return error_setc(err, EXIT_INVALID, 0, "acVersion: \"%s\" is not a semantic version", version);
    return 0;
}

static int parse_dependency(yajl_val v, const char *path, struct appc_dependency *d, struct error **err)
{
    const char *name = NULL, *id = NULL;
    yajl_val labels = NULL;
    CLEANUP_FREE char *lpath = xasprintf("%s.labels", path);
    if (json_expect_object(v, path, err) < 0 || json_get_string(v, path, "imageName", &name, err) < 0 ||
        json_get_string(v, path, "imageID", &id, err) < 0 || json_get_uint64(v, path, "size", &d->size, err) < 0 ||
        json_get_array(v, path, "labels", &labels, err) < 0 || appc_labels_parse(labels, lpath, &d->labels, err) < 0)
        return -1;
    if (!name || !appc_identifier_ok(name))
        return error_setc(err, EXIT_INVALID, 0, "%s.imageName: \"%s\" is not an AC identifier", path,
                          name ? name : "");
    if (id && !appc_image_id_ok(id, false))
        return error_setc(err, EXIT_INVALID, 0, "%s.imageID: \"%s\" is not sha512-<128 hex digits>", path, id);
    d->name = xstrdup(name);
    d->image_id = id ? xstrdup(id) : NULL;
    return 0;
}

static int parse_dependencies(yajl_val root, struct aci_manifest *m, struct error **err)
{
    yajl_val arr = NULL;
    if (json_get_array(root, "", "dependencies", &arr, err) < 0 || arr == NULL)
        return 0;
    m->deps = xcalloc(arr->u.array.len + 1, sizeof(*m->deps));
    for (size_t i = 0; i < arr->u.array.len; i++) {
        CLEANUP_FREE char *path = xasprintf("dependencies[%zu]", i);
        m->n_deps++;
        if (parse_dependency(arr->u.array.values[i], path, &m->deps[i], err) < 0)
            return -1;
    }
    return 0;
}

static int parse_whitelist(yajl_val root, struct aci_manifest *m, struct error **err)
{
    if (json_get_strv(root, "", "pathWhitelist", &m->path_whitelist, err) < 0)
        return -1;
    for (char **p = m->path_whitelist; p && *p; p++)
        if (**p == '\0')
            return error_setc(err, EXIT_INVALID, 0, "pathWhitelist[%zu]: empty path", (size_t)(p - m->path_whitelist));
    return 0;
}

static int parse_manifest(struct aci_manifest *m, struct error **err)
{
    yajl_val root = m->root, labels = NULL, annotations = NULL;
    const char *name = NULL;
    if (check_header(root, err) < 0 || json_get_string(root, "", "name", &name, err) < 0)
        return -1;
    if (!name)
        return error_setc(err, EXIT_INVALID, 0, "name: missing");
    if (!appc_identifier_ok(name))
        return error_setc(err, EXIT_INVALID, 0, "name: \"%s\" is not an AC identifier ([a-z0-9] and -._~/)", name);
    m->name = xstrdup(name);
    if (json_get_array(root, "", "labels", &labels, err) < 0 ||
        appc_labels_parse(labels, "labels", &m->labels, err) < 0 || appc_os_arch_check(&m->labels, "labels", err) < 0)
        return -1;
    if (json_get_object(root, "", "app", &m->app, err) < 0 || (m->app && appc_app_check(m->app, err) < 0))
        return -1;
    if (parse_dependencies(root, m, err) < 0 || parse_whitelist(root, m, err) < 0)
        return -1;
    if (json_get_array(root, "", "annotations", &annotations, err) < 0)
        return -1;
    return appc_named_list_check(annotations, "annotations", true, err);
}

int aci_manifest_parse(const char *json, size_t len, struct aci_manifest *out, struct error **err)
{
    memset(out, 0, sizeof(*out));
    if (json_parse(json, len, "manifest", &out->root, err) < 0)
        return -1;
    if (parse_manifest(out, err) < 0) {
        aci_manifest_clear(out);
        return error_prefix(err, "manifest");
    }
    return 0;
}

void aci_manifest_clear(struct aci_manifest *m)
{
    json_freep(&m->root);
    free(m->name);
    appc_labels_clear(&m->labels);
    for (size_t i = 0; i < m->n_deps; i++) {
        free(m->deps[i].name);
        free(m->deps[i].image_id);
        appc_labels_clear(&m->deps[i].labels);
    }
    free(m->deps);
    strv_free(m->path_whitelist);
    memset(m, 0, sizeof(*m));
}
