/* An Appc image manifest read as an image config: app.exec is the
 * Entrypoint, environment the Env, user:group the User; labels, ports,
 * mountPoints and annotations become labels (so annotations of the
 * bundle); the layers' digests are the diff_ids (the layers are plain
 * tars). Isolators are read at config time (imagetool/config/config_appc.c). */
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/appc/image_config.h"
#include "imagetool/appc/manifest.h"

static void add_label(struct image_config *c, const char *key, const char *value)
{
    c->labels = xrealloc(c->labels, (c->n_labels + 2) * sizeof(*c->labels));
    c->labels[c->n_labels].key = xstrdup(key);
    c->labels[c->n_labels].value = xstrdup(value);
    c->n_labels++;
    memset(&c->labels[c->n_labels], 0, sizeof(*c->labels));
}

/* [{"name":..., <value fields>}] -> labels PREFIX.NAME */
static void named_labels(struct image_config *c, yajl_val arr, const char *prefix)
{
    for (size_t i = 0; arr && YAJL_IS_ARRAY(arr) && i < arr->u.array.len; i++) {
        yajl_val v = arr->u.array.values[i];
        const char *name = YAJL_GET_STRING(json_member(v, "name"));
        const char *value = YAJL_GET_STRING(json_member(v, "value"));
        yajl_val path = json_member(v, "path"), port = json_member(v, "port");
        CLEANUP_FREE char *key = xasprintf("%s%s", prefix, name ? name : "");
        CLEANUP_FREE char *text = NULL;
        if (path) {
            yajl_val ro = json_member(v, "readOnly");
            text = xasprintf("%s%s", YAJL_GET_STRING(path), ro && YAJL_IS_TRUE(ro) ? ":ro" : "");
        } else if (port) {
            const char *proto = YAJL_GET_STRING(json_member(v, "protocol"));
            text = xasprintf("%s/%lld", proto ? proto : "tcp", (long long)YAJL_GET_INTEGER(port));
            CLEANUP_FREE char *exposed = xasprintf("%lld/%s", (long long)YAJL_GET_INTEGER(port), proto ? proto : "tcp");
            strv_append(&c->exposed_ports, exposed);
        }
        add_label(c, key, text ? text : value ? value : "");
    }
}

static void from_app(struct image_config *c, yajl_val app)
{
    json_get_strv(app, "app", "exec", &c->entrypoint, NULL);
    const char *user = YAJL_GET_STRING(json_member(app, "user"));
    const char *group = YAJL_GET_STRING(json_member(app, "group"));
    c->user = xasprintf("%s:%s", user ? user : "0", group ? group : "0");
    const char *wd = YAJL_GET_STRING(json_member(app, "workingDirectory"));
    c->working_dir = wd ? xstrdup(wd) : NULL;
    yajl_val env = json_member(app, "environment");
    for (size_t i = 0; env && YAJL_IS_ARRAY(env) && i < env->u.array.len; i++) {
        yajl_val v = env->u.array.values[i];
        CLEANUP_FREE char *kv = xasprintf("%s=%s", YAJL_GET_STRING(json_member(v, "name")),
                                          YAJL_GET_STRING(json_member(v, "value")));
        strv_append(&c->env, kv);
    }
    named_labels(c, json_member(app, "ports"), "org.appc.port.");
    named_labels(c, json_member(app, "mountPoints"), "org.appc.mountPoint.");
}

/* Appc's os/arch labels in OCI's words. */
static void platform(struct image_config *c, const struct aci_manifest *m)
{
    static const char *const arch_map[][2] = { { "amd64", "amd64" }, { "i386", "386" }, { "aarch64", "arm64" },
                                               { "armv7l", "arm" },  { "armv6l", "arm" }, { "ppc64le", "ppc64le" },
                                               { "s390x", "s390x" } };
    const char *os = appc_label_get(&m->labels, "os"), *arch = appc_label_get(&m->labels, "arch");
    c->os = os ? xstrdup(os) : NULL;
    for (size_t i = 0; arch && i < sizeof(arch_map) / sizeof(arch_map[0]); i++)
        if (strcmp(arch, arch_map[i][0]) == 0)
            c->architecture = xstrdup(arch_map[i][1]);
    if (arch && !c->architecture)
        c->architecture = xstrdup(arch);
}

int appc_image_config(const char *json, size_t len, const struct manifest *layers, struct image_config *c,
                      struct error **err)
{
    struct aci_manifest m;
    memset(c, 0, sizeof(*c));
    if (aci_manifest_parse(json, len, &m, err) < 0)
        return -1;
    platform(c, &m);
    if (m.app)
        from_app(c, m.app);
    add_label(c, "org.appc.image.name", m.name);
    for (size_t i = 0; i < m.labels.n; i++) {
        CLEANUP_FREE char *key = xasprintf("org.appc.label.%s", m.labels.v[i].name);
        add_label(c, key, m.labels.v[i].value);
    }
    named_labels(c, json_member(m.root, "annotations"), "org.appc.annotation.");
    c->diff_ids = xcalloc(layers->n_layers + 1, sizeof(char *));
    for (size_t i = 0; i < layers->n_layers; i++)
        c->diff_ids[i] = xstrdup(layers->layers[i].digest);
    c->appc_manifest = strndup(json, len);
    aci_manifest_clear(&m);
    return 0;
}
