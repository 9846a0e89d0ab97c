/* Unit tests (TAP) for image_load: names to manifest and config through the
 * store, indexes followed with the platform, inconsistent images refused. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store.h"
#include "tests/unit/tap.h"

static void put(struct store *s, const char *text, char digest[DIGEST_STR_LEN + 1])
{
    if (store_put_blob(s, text, strlen(text), NULL, digest, NULL) < 0)
        abort();
}

/* A manifest over one layer whose config lists n_diff_ids diff_ids; tagged name. */
static void make_image(struct store *s, const char *name, int n_diff_ids, char manifest[DIGEST_STR_LEN + 1])
{
    char layer[DIGEST_STR_LEN + 1], config[DIGEST_STR_LEN + 1];
    put(s, "layer bytes", layer);
    CLEANUP_FREE char *cfg = xasprintf("{\"os\":\"linux\",\"architecture\":\"amd64\",\"config\":{\"Cmd\":[\"sh\"]},"
                                       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[%s%s%s]}}",
                                       n_diff_ids > 0 ? "\"" : "", n_diff_ids > 0 ? layer : "",
                                       n_diff_ids > 0 ? "\"" : "");
    put(s, cfg, config);
    CLEANUP_FREE char *m = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
                                     "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"%s\",\"size\":%zu},"
                                     "\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER "\",\"digest\":\"%s\",\"size\":11}]}",
                                     config, strlen(cfg), layer);
    put(s, m, manifest);
    if (store_tag(s, name, manifest, MT_OCI_MANIFEST, strlen(m), NULL) < 0)
        abort();
}

int main(void)
{
    char work[] = "/tmp/imagetool-image-load-XXXXXX";
    if (mkdtemp(work) == NULL)
        return 1;
    struct store *s = NULL;
    ok(store_open(work, &s, NULL) == 0, "store opens");
    char digest[DIGEST_STR_LEN + 1], bad[DIGEST_STR_LEN + 1], idx[DIGEST_STR_LEN + 1];
    make_image(s, "example.com/app:1", 1, digest);
    make_image(s, "broken", 0, bad);

    struct platform amd64 = { "linux", "amd64", NULL }, arm64 = { "linux", "arm64", NULL };
    struct manifest m;
    struct image_config c;
    CLEANUP_ERROR struct error *err = NULL;
    ok(image_load(s, "example.com/app:1", &amd64, &m, &c, &err) == 0, "loads by name");
    ok(m.n_layers == 1 && c.cmd && strcmp(c.cmd[0], "sh") == 0 && c.diff_ids[0] && !c.diff_ids[1],
       "manifest and config filled");
    manifest_clear(&m);
    image_config_clear(&c);
    ok(image_load(s, digest + 7, &amd64, &m, &c, &err) == 0, "loads by digest hex");
    manifest_clear(&m);
    image_config_clear(&c);

    CLEANUP_FREE char *index = xasprintf("{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
                                         "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"%s\",\"size\":1,"
                                         "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\"}}]}",
                                         digest);
    put(s, index, idx);
    ok(store_tag(s, "multi", idx, MT_OCI_INDEX, strlen(index), &err) == 0, "an index tagged");
    ok(image_load(s, "multi", &amd64, &m, &c, &err) == 0 && m.n_layers == 1, "index followed for amd64");
    manifest_clear(&m);
    image_config_clear(&c);
    CLEANUP_ERROR struct error *e1 = NULL, *e2 = NULL, *e3 = NULL;
    ok(image_load(s, "multi", &arm64, &m, &c, &e1) < 0 && e1->exit_class == EXIT_NOTFOUND &&
           strstr(e1->msg, "image multi"),
       "no arm64 in the index: not found, naming the image");
    ok(image_load(s, "broken", &amd64, &m, &c, &e2) < 0 && e2->exit_class == EXIT_INVALID &&
           strstr(e2->msg, "1 layers but its config lists 0 diff_ids"),
       "layers and diff_ids disagree: invalid");
    ok(image_load(s, "nosuch", &amd64, &m, &c, &e3) < 0 && e3->exit_class == EXIT_NOTFOUND,
       "unknown name: not found");
    store_close(s);
    rm_rf(work, NULL);
    return tap_done();
}
