/* Validation of the manifest's "app": exec, user, group, workingDirectory,
 * environment, isolators, mountPoints, ports, supplementaryGIDs. */
#include <ctype.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/appc/manifest_private.h"
#include "imagetool/appc/quantity.h"

static bool env_name_ok(const char *s)
{
    if (!(isalpha((unsigned char)*s) || *s == '_'))
        return false;
    for (; *s; s++)
        if (!(isalnum((unsigned char)*s) || *s == '_'))
            return false;
    return true;
}

/* The array at app.key, each element an object; path of element i in where. */
static int each_object(yajl_val app, const char *key, int (*fn)(yajl_val, const char *, struct error **),
                       struct error **err)
{
    yajl_val arr = NULL;
    if (json_get_array(app, "app", key, &arr, err) < 0 || arr == NULL)
        return 0;
    for (size_t i = 0; i < arr->u.array.len; i++) {
        CLEANUP_FREE char *where = xasprintf("app.%s[%zu]", key, i);
        if (json_expect_object(arr->u.array.values[i], where, err) < 0 || fn(arr->u.array.values[i], where, err) < 0)
            return -1;
    }
    return 0;
}

int appc_named_list_check(yajl_val arr, const char *path, bool identifier, struct error **err)
{
    if (arr == NULL)
        return 0;
    for (size_t i = 0; i < arr->u.array.len; i++) {
        yajl_val v = arr->u.array.values[i];
        const char *name = NULL, *value = NULL;
        CLEANUP_FREE char *where = xasprintf("%s[%zu]", path, i);
        if (json_expect_object(v, where, err) < 0 || json_get_string(v, where, "name", &name, err) < 0 ||
            json_get_string(v, where, "value", &value, err) < 0)
            return -1;
        if (!name || !(identifier ? appc_identifier_ok(name) : env_name_ok(name)))
            return error_setc(err, EXIT_INVALID, 0, "%s.name: \"%s\" is not a valid name", where, name ? name : "");
        for (size_t j = 0; j < i; j++) {
            const char *other = NULL;
            if (json_get_string(arr->u.array.values[j], where, "name", &other, NULL) == 1 && !strcmp(other, name))
                return error_setc(err, EXIT_INVALID, 0, "%s.name: duplicate \"%s\"", where, name);
        }
    }
    return 0;
}

static int check_resource(yajl_val value, const char *where, struct error **err)
{
    static const char *const keys[] = { "request", "limit", "default" };
    if (json_expect_object(value, where, err) < 0)
        return -1;
    for (size_t i = 0; i < 3; i++) {
        yajl_val q = json_member(value, keys[i]);
        double d;
        CLEANUP_FREE char *path = xasprintf("%s.%s", where, keys[i]);
        if (q && i < 2 && appc_quantity(q, path, &d, err) < 0)
            return -1;
    }
    return 0;
}

static int check_isolator(yajl_val v, const char *where, struct error **err)
{
    const char *name = NULL;
    if (json_get_string(v, where, "name", &name, err) < 0)
        return -1;
    if (!name || !appc_identifier_ok(name))
        return error_setc(err, EXIT_INVALID, 0, "%s.name: \"%s\" is not an AC identifier", where, name ? name : "");
    yajl_val value = json_member(v, "value");
    if (!value)
        return error_setc(err, EXIT_INVALID, 0, "%s.value: missing", where);
    CLEANUP_FREE char *vpath = xasprintf("%s.value", where);
    if (!strcmp(name, "resource/cpu") || !strcmp(name, "resource/memory"))
        return check_resource(value, vpath, err);
    return 0;
}

static int check_mount_point(yajl_val v, const char *where, struct error **err)
{
    const char *name = NULL, *path = NULL;
    bool ro;
    if (json_get_string(v, where, "name", &name, err) < 0 || json_get_string(v, where, "path", &path, err) < 0 ||
        json_get_bool(v, where, "readOnly", &ro, err) < 0)
        return -1;
    if (!name || !appc_acname_ok(name))
        return error_setc(err, EXIT_INVALID, 0, "%s.name: \"%s\" is not an AC name", where, name ? name : "");
    if (!path || !*path)
        return error_setc(err, EXIT_INVALID, 0, "%s.path: missing", where);
    return 0;
}

static int check_port(yajl_val v, const char *where, struct error **err)
{
    const char *name = NULL, *proto = NULL;
    uint64_t port = 0, count = 0;
    bool sa;
    if (json_get_string(v, where, "name", &name, err) < 0 || json_get_string(v, where, "protocol", &proto, err) < 0 ||
        json_get_uint64(v, where, "port", &port, err) < 0 || json_get_uint64(v, where, "count", &count, err) < 0 ||
        json_get_bool(v, where, "socketActivated", &sa, err) < 0)
        return -1;
    if (!name || !appc_acname_ok(name))
        return error_setc(err, EXIT_INVALID, 0, "%s.name: \"%s\" is not an AC name", where, name ? name : "");
    if (!proto || !*proto)
        return error_setc(err, EXIT_INVALID, 0, "%s.protocol: missing", where);
    if (port < 1 || port > 65535)
        return error_setc(err, EXIT_INVALID, 0, "%s.port: %llu is not in 1..65535", where, (unsigned long long)port);
    return 0;
}

static int check_gids(yajl_val app, struct error **err)
{
    yajl_val arr = NULL;
    if (json_get_array(app, "app", "supplementaryGIDs", &arr, err) < 0 || arr == NULL)
        return 0;
    for (size_t i = 0; i < arr->u.array.len; i++) {
        uint64_t gid;
        CLEANUP_FREE char *where = xasprintf("app.supplementaryGIDs[%zu]", i);
        if (json_as_uint64(arr->u.array.values[i], where, &gid, err) < 0)
            return -1;
        if (gid > 0xfffffffeu)
            return error_setc(err, EXIT_INVALID, 0, "%s: %llu is out of range", where, (unsigned long long)gid);
    }
    return 0;
}

int appc_app_check(yajl_val app, struct error **err)
{
    const char *user = NULL, *group = NULL, *wd = NULL;
    CLEANUP_STRV char **exec = NULL;
    yajl_val env = NULL;
    if (json_get_strv(app, "app", "exec", &exec, err) < 0 || json_get_string(app, "app", "user", &user, err) < 0 ||
        json_get_string(app, "app", "group", &group, err) < 0 ||
        json_get_string(app, "app", "workingDirectory", &wd, err) < 0)
        return -1;
    if (!user || !*user)
        return error_setc(err, EXIT_INVALID, 0, "app.user: required");
    if (!group || !*group)
        return error_setc(err, EXIT_INVALID, 0, "app.group: required");
    if (wd && *wd != '/')
        return error_setc(err, EXIT_INVALID, 0, "app.workingDirectory: \"%s\" is not an absolute path", wd);
    if (json_get_array(app, "app", "environment", &env, err) < 0 ||
        appc_named_list_check(env, "app.environment", false, err) < 0)
        return -1;
    if (each_object(app, "isolators", check_isolator, err) < 0 ||
        each_object(app, "mountPoints", check_mount_point, err) < 0 || each_object(app, "ports", check_port, err) < 0)
        return -1;
    return check_gids(app, err);
}
