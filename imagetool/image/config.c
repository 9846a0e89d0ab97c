/* Image configs (OCI and Docker): the parts a bundle needs. */
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/image/private.h"

static void free_strv(char **v)
{
    cleanup_strvp(&v);
}

void image_config_clear(struct image_config *c)
{
    free(c->os);
    free(c->architecture);
    free(c->variant);
    free(c->user);
    free_strv(c->env);
    free_strv(c->entrypoint);
    free_strv(c->cmd);
    free(c->working_dir);
    for (size_t i = 0; i < c->n_labels; i++) {
        free(c->labels[i].key);
        free(c->labels[i].value);
    }
    free(c->labels);
    free(c->stop_signal);
    free_strv(c->exposed_ports);
    free_strv(c->volumes);
    free_strv(c->diff_ids);
    free(c->appc_manifest);
    memset(c, 0, sizeof(*c));
}

static int get_dup(yajl_val obj, const char *path, const char *key, char **out, struct error **err)
{
    const char *s = NULL;
    if (json_get_string(obj, path, key, &s, err) < 0)
        return -1;
    *out = s ? xstrdup(s) : NULL;
    return 0;
}

/* {"80/tcp": {}, ...} -> the keys */
static int get_keys(yajl_val obj, const char *path, const char *key, char ***out, struct error **err)
{
    yajl_val set = NULL;
    if (json_get_object(obj, path, key, &set, err) < 0)
        return -1;
    if (set == NULL)
        return 0;
    size_t n = YAJL_GET_OBJECT(set)->len;
    char **keys = xcalloc(n + 1, sizeof(*keys));
    for (size_t i = 0; i < n; i++)
        keys[i] = xstrdup(YAJL_GET_OBJECT(set)->keys[i]);
    *out = keys;
    return 0;
}

static int get_labels(yajl_val obj, struct image_config *c, struct error **err)
{
    yajl_val labels = NULL;
    if (json_get_object(obj, "config", "Labels", &labels, err) < 0)
        return -1;
    if (labels == NULL)
        return 0;
    size_t n = YAJL_GET_OBJECT(labels)->len;
    c->labels = xcalloc(n + 1, sizeof(*c->labels));
    for (size_t i = 0; i < n; i++) {
        const char *key = YAJL_GET_OBJECT(labels)->keys[i], *value = NULL;
        CLEANUP_FREE char *where = xasprintf("config.Labels.%s", key);
        if (json_as_string(YAJL_GET_OBJECT(labels)->values[i], where, &value, err) < 0)
            return -1;
        c->labels[i].key = xstrdup(key);
        c->labels[i].value = xstrdup(value ? value : "");
        c->n_labels++;
    }
    return 0;
}

static int parse_runtime_config(yajl_val cfg, struct image_config *c, struct error **err)
{
    if (cfg == NULL)
        return 0;
    const char *p = "config";
    if (get_dup(cfg, p, "User", &c->user, err) < 0 || json_get_strv(cfg, p, "Env", &c->env, err) < 0 ||
        json_get_strv(cfg, p, "Entrypoint", &c->entrypoint, err) < 0 ||
        json_get_strv(cfg, p, "Cmd", &c->cmd, err) < 0 || get_dup(cfg, p, "WorkingDir", &c->working_dir, err) < 0 ||
        get_dup(cfg, p, "StopSignal", &c->stop_signal, err) < 0 ||
        get_keys(cfg, p, "ExposedPorts", &c->exposed_ports, err) < 0 ||
        get_keys(cfg, p, "Volumes", &c->volumes, err) < 0)
        return -1;
    return get_labels(cfg, c, err);
}

static int parse_config(yajl_val root, struct image_config *c, struct error **err)
{
    yajl_val cfg = NULL, rootfs = NULL;
    if (json_expect_object(root, "config", err) < 0 || get_dup(root, "", "os", &c->os, err) < 0 ||
        get_dup(root, "", "architecture", &c->architecture, err) < 0 ||
        get_dup(root, "", "variant", &c->variant, err) < 0 || json_get_object(root, "", "config", &cfg, err) < 0 ||
        parse_runtime_config(cfg, c, err) < 0 || json_get_object(root, "", "rootfs", &rootfs, err) < 0)
        return -1;
    if (rootfs && json_get_strv(rootfs, "rootfs", "diff_ids", &c->diff_ids, err) < 0)
        return -1;
    for (char **d = c->diff_ids; d && *d; d++)
        if (!digest_is_valid(*d))
            return error_setc(err, EXIT_INVALID, 0, "rootfs.diff_ids: unsupported or malformed digest '%s'", *d);
    if (c->diff_ids == NULL)
        c->diff_ids = xcalloc(1, sizeof(char *));
    return 0;
}

int image_config_parse(const char *json, size_t len, struct image_config *out, struct error **err)
{
    CLEANUP_JSON yajl_val root = NULL;
    memset(out, 0, sizeof(*out));
    if (json_parse(json, len, "image config", &root, err) < 0)
        return -1;
    if (parse_config(root, out, err) < 0) {
        image_config_clear(out);
        return error_prefix(err, "image config");
    }
    return 0;
}
