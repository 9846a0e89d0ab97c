/* Appc's identifier types and label lists. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/appc/manifest.h"

static bool lower_alnum(char c)
{
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
}

/* Runs of [a-z0-9] separated by single characters from seps. */
static bool runs_ok(const char *s, const char *seps)
{
    if (!s || !lower_alnum(*s))
        return false;
    for (const char *p = s; *p; p++) {
        if (lower_alnum(*p))
            continue;
        if (!strchr(seps, *p) || !lower_alnum(p[1]))
            return false;
    }
    return true;
}

bool appc_identifier_ok(const char *s)
{
    return runs_ok(s, "-._~/");
}

bool appc_acname_ok(const char *s)
{
    return runs_ok(s, "-");
}

bool appc_image_id_ok(const char *s, bool allow_prefix)
{
    if (strncmp(s, "sha512-", 7) != 0)
        return false;
    size_t n = strlen(s + 7);
    if (n != 128 && !(allow_prefix && n >= 1 && n < 128))
        return false;
    return strspn(s + 7, "0123456789abcdef") == n;
}

const char *appc_label_get(const struct appc_labels *l, const char *name)
{
    for (size_t i = 0; i < l->n; i++)
        if (strcmp(l->v[i].name, name) == 0)
            return l->v[i].value;
    return NULL;
}

void appc_label_set(struct appc_labels *l, const char *name, const char *value)
{
    for (size_t i = 0; i < l->n; i++) {
        if (strcmp(l->v[i].name, name) == 0) {
            free(l->v[i].value);
            l->v[i].value = xstrdup(value);
            return;
        }
    }
    l->v = xrealloc(l->v, (l->n + 1) * sizeof(*l->v));
    l->v[l->n].name = xstrdup(name);
    l->v[l->n].value = xstrdup(value);
    l->n++;
}

void appc_labels_clear(struct appc_labels *l)
{
    for (size_t i = 0; i < l->n; i++) {
        free(l->v[i].name);
        free(l->v[i].value);
    }
    free(l->v);
    l->v = NULL;
    l->n = 0;
}

static int label_cmp(const void *a, const void *b)
{
    return strcmp(((const struct appc_label *)a)->name, ((const struct appc_label *)b)->name);
}

void appc_labels_sort(struct appc_labels *l)
{
    if (l->n > 1)
        qsort(l->v, l->n, sizeof(*l->v), label_cmp);
}

static int label_parse(yajl_val v, const char *path, struct appc_labels *out, struct error **err)
{
    const char *name = NULL, *value = NULL;
    if (json_expect_object(v, path, err) < 0 || json_get_string(v, path, "name", &name, err) < 0 ||
        json_get_string(v, path, "value", &value, err) < 0)
        return -1;
    if (!name || !appc_identifier_ok(name))
        return error_setc(err, EXIT_INVALID, 0, "%s.name: \"%s\" is not an AC identifier", path, name ? name : "");
    if (strcmp(name, "name") == 0)
        return error_setc(err, EXIT_INVALID, 0, "%s.name: a label cannot be called \"name\"", path);
    if (appc_label_get(out, name))
        return error_setc(err, EXIT_INVALID, 0, "%s.name: duplicate label \"%s\"", path, name);
    if (!value)
        return error_setc(err, EXIT_INVALID, 0, "%s.value: missing", path);
    appc_label_set(out, name, value);
    return 0;
}

int appc_labels_parse(yajl_val arr, const char *path, struct appc_labels *out, struct error **err)
{
    if (arr == NULL)
        return 0;
    if (!YAJL_IS_ARRAY(arr))
        return error_setc(err, EXIT_INVALID, 0, "%s: expected an array, got %s", path, json_type_name(arr));
    for (size_t i = 0; i < arr->u.array.len; i++) {
        char where[256];
        snprintf(where, sizeof(where), "%s[%zu]", path, i);
        if (label_parse(arr->u.array.values[i], where, out, err) < 0)
            return -1;
    }
    return 0;
}

const char *appc_arch_from_oci(const char *oci)
{
    static const char *const map[][2] = { { "arm64", "aarch64" }, { "386", "i386" }, { "arm", "armv7l" } };
    for (size_t i = 0; i < sizeof(map) / sizeof(map[0]); i++)
        if (strcmp(oci, map[i][0]) == 0)
            return map[i][1];
    return oci;
}
