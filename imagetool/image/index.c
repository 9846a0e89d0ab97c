/* Choosing one manifest from an OCI index or Docker manifest list. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/image/private.h"

static bool selectable(const struct descriptor *d)
{
    /* artifacts and attestations carry other media types, no platform or unknown/unknown */
    return d->os && d->architecture && strcmp(d->os, "unknown") != 0 &&
           (d->media_type == NULL || strcmp(d->media_type, MT_OCI_MANIFEST) == 0 ||
            strcmp(d->media_type, MT_DOCKER_MANIFEST) == 0 || media_type_is_index(d->media_type));
}

static void describe(const struct descriptor *ds, size_t n, char *buf, size_t size)
{
    size_t used = 0;
    buf[0] = '\0';
    for (size_t i = 0; i < n && used < size; i++) {
        if (!selectable(&ds[i]))
            continue;
        used += (size_t)snprintf(buf + used, size - used, "%s%s/%s%s%s", used ? ", " : "", ds[i].os,
                                 ds[i].architecture, ds[i].variant ? "/" : "", ds[i].variant ? ds[i].variant : "");
    }
}

static void descriptors_free(struct descriptor *ds, size_t n)
{
    for (size_t i = 0; i < n; i++)
        descriptor_clear(&ds[i]);
    free(ds);
}

static int parse_entries(const char *json, size_t len, struct descriptor **out, size_t *n, struct error **err)
{
    CLEANUP_JSON yajl_val root = NULL;
    yajl_val list = NULL;
    if (json_parse_max(json, len, JSON_MANIFEST_MAX, "index", &root, err) < 0 || json_expect_object(root, "index", err) < 0 ||
        json_get_array(root, "", "manifests", &list, err) < 0)
        return -1;
    size_t count = list ? YAJL_GET_ARRAY(list)->len : 0;
    struct descriptor *ds = xcalloc(count + 1, sizeof(*ds));
    for (size_t i = 0; i < count; i++) {
        char where[32];
        snprintf(where, sizeof(where), "manifests[%zu]", i);
        if (descriptor_parse(YAJL_GET_ARRAY(list)->values[i], where, &ds[i], err) < 0) {
            descriptors_free(ds, i);
            return -1;
        }
    }
    *out = ds;
    *n = count;
    return 0;
}

int index_select(const char *json, size_t len, const struct platform *p, struct descriptor *out, struct error **err)
{
    struct descriptor *ds = NULL;
    size_t n = 0;
    if (parse_entries(json, len, &ds, &n, err) < 0)
        return -1;
    ssize_t pick = -1;
    for (size_t i = 0; i < n && pick < 0; i++)
        if (selectable(&ds[i]) && platform_matches(p, &ds[i], true))
            pick = (ssize_t)i;
    /* no variant asked for: any variant of the architecture will do */
    for (size_t i = 0; i < n && pick < 0 && p->variant == NULL; i++)
        if (selectable(&ds[i]) && platform_matches(p, &ds[i], false))
            pick = (ssize_t)i;
    if (pick < 0) {
        char have[512];
        describe(ds, n, have, sizeof(have));
        descriptors_free(ds, n);
        return error_setc(err, EXIT_NOTFOUND, 0, "no manifest for platform %s/%s%s%s in the index (it has: %s)",
                          p->os, p->architecture, p->variant ? "/" : "", p->variant ? p->variant : "",
                          have[0] ? have : "no platforms");
    }
    *out = ds[pick];
    memset(&ds[pick], 0, sizeof(ds[pick]));
    descriptors_free(ds, n);
    return 0;
}
