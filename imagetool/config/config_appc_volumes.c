/* app.mountPoints fulfilled by --volume NAME=HOSTPATH[:ro]: a bind mount of
 * HOSTPATH at the mount point's path, read-only when the mount point or the
 * flag says so (rkt's --volume NAME,kind=host,source=PATH). specs/bundle.md. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/appc/manifest.h"
#include "imagetool/config/config_appc_private.h"

struct volume {
    char *name, *host;
    bool ro, used;
};

int appc_volume_parse(const char *text, char **name, char **host, bool *ro, struct error **err)
{
    const char *eq = strchr(text, '=');
    size_t len = strlen(text);
    bool suffix = len > 3 && strcmp(text + len - 3, ":ro") == 0;
    if (!eq || eq == text || eq[1] != '/' || (suffix && eq + 1 == text + len - 3))
        return error_setc(err, EXIT_USAGE, 0, "--volume: \"%s\" is not NAME=/HOST/PATH[:ro]", text);
    CLEANUP_FREE char *n = strndup(text, (size_t)(eq - text));
    if (!appc_acname_ok(n))
        return error_setc(err, EXIT_USAGE, 0, "--volume: \"%s\" is not an AC name (lower case letters, digits, -)", n);
    if (name)
        *name = TAKE_PTR(n);
    if (host)
        *host = strndup(eq + 1, (size_t)(text + len - (suffix ? 3 : 0) - (eq + 1)));
    if (ro)
        *ro = suffix;
    return 0;
}

static void volumes_free(struct volume *v, size_t n)
{
    for (size_t i = 0; i < n; i++)
        free(v[i].name), free(v[i].host);
    free(v);
}

static int add_bind(const struct volume *v, yajl_val mp, struct spec *s, struct error **err)
{
    const char *path = YAJL_GET_STRING(json_member(mp, "path"));
    yajl_val ro_field = json_member(mp, "readOnly");
    bool ro = v->ro || (ro_field && YAJL_IS_TRUE(ro_field));
    struct stat st;
    if (stat(v->host, &st) < 0)
        return error_setc(err, errno == ENOENT ? EXIT_NOTFOUND : EXIT_FAIL, errno, "--volume %s=%s", v->name,
                          v->host);
    const char *opts[] = { "rbind", ro ? "ro" : "rw", NULL };
    spec_add_mount(s, path, "bind", v->host, opts);
    return 0;
}

static int fulfil(yajl_val mps, struct volume *vols, size_t n, struct spec *s, struct error **err)
{
    for (size_t i = 0; mps && YAJL_IS_ARRAY(mps) && i < mps->u.array.len; i++) {
        yajl_val mp = mps->u.array.values[i];
        const char *name = YAJL_GET_STRING(json_member(mp, "name"));
        const char *path = YAJL_GET_STRING(json_member(mp, "path"));
        struct volume *v = NULL;
        for (size_t j = 0; name && j < n && !v; j++)
            if (strcmp(vols[j].name, name) == 0)
                v = &vols[j];
        if (!v) {
            log_warn("mount point %s (%s) has no --volume %s=HOSTPATH: %s stays the image's own directory", name, path,
                     name, path);
            continue;
        }
        v->used = true;
        if (add_bind(v, mp, s, err) < 0)
            return -1;
    }
    for (size_t j = 0; j < n; j++)
        if (!vols[j].used)
            return error_setc(err, EXIT_USAGE, 0, "--volume %s: the image has no mount point called %s", vols[j].name,
                              vols[j].name);
    return 0;
}

int appc_apply_volumes(const struct appc_app *a, char *const *volumes, struct spec *s, struct error **err)
{
    size_t n = 0;
    while (volumes && volumes[n])
        n++;
    yajl_val mps = a ? appc_app_member(a, "mountPoints") : NULL;
    if (n > 0 && !a)
        return error_setc(err, EXIT_USAGE, 0, "--volume: only Appc images have mount points to fill");
    struct volume *vols = xcalloc(n + 1, sizeof(*vols));
    int r = 0;
    for (size_t i = 0; i < n && r == 0; i++)
        r = appc_volume_parse(volumes[i], &vols[i].name, &vols[i].host, &vols[i].ro, err);
    if (r == 0)
        r = fulfil(mps, vols, n, s, err);
    volumes_free(vols, n);
    return r;
}
