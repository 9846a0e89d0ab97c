/* imagetool inspect [--platform P] REF: the image's manifest and config as
 * one JSON document {name, digest, manifest, config}. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

#define MAX_DEPTH 8

/* The manifest JSON for p, following indexes; *digest is updated. */
static int read_manifest(struct store *s, char **digest, const struct platform *p, yajl_val *out,
                         struct error **err)
{
    for (int depth = 0; depth < MAX_DEPTH; depth++) {
        CLEANUP_FREE char *json = NULL;
        size_t len = 0;
        if (store_blob_read(s, *digest, &json, &len, err) < 0)
            return -1;
        if (!image_json_is_index(json, len))
            return json_parse(json, len, "manifest", out, err);
        struct descriptor d = { 0 };
        if (index_select(json, len, p, &d, err) < 0)
            return -1;
        free(*digest);
        *digest = TAKE_PTR(d.digest);
        descriptor_clear(&d);
    }
    return error_setc(err, EXIT_INVALID, 0, "indexes nested deeper than %d", MAX_DEPTH);
}

static int read_config(struct store *s, yajl_val manifest, yajl_val *out, struct error **err)
{
    yajl_val cfg = NULL;
    const char *digest = NULL;
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    if (json_get_object(manifest, "", "config", &cfg, err) < 0 ||
        json_get_string(cfg, "config", "digest", &digest, err) < 0)
        return -1;
    if (digest == NULL)
        return error_setc(err, EXIT_INVALID, 0, "manifest: config.digest: missing");
    if (store_blob_read(s, digest, &json, &len, err) < 0)
        return -1;
    return json_parse(json, len, "config", out, err);
}

static int inspect(struct store *s, const char *ref, const struct platform *p, struct error **err)
{
    struct store_image img = { 0 };
    if (store_resolve(s, ref, &img, err) < 0)
        return -1;
    CLEANUP_FREE char *digest = xstrdup(img.digest);
    CLEANUP_JSON yajl_val manifest = NULL, config = NULL;
    size_t len = 0;
    int r = read_manifest(s, &digest, p, &manifest, err);
    if (r == 0)
        r = read_config(s, manifest, &config, err);
    if (r == 0) {
        CLEANUP_JSON_GEN yajl_gen g = json_gen_new(true);
        jg_obj_open(g);
        jg_key_str(g, "name", img.name);
        jg_key_str(g, "digest", digest);
        jg_key(g, "manifest");
        jg_value(g, manifest);
        jg_key(g, "config");
        jg_value(g, config);
        jg_obj_close(g);
        const char *text = jg_text(g, &len);
        fwrite(text, 1, len, stdout);
        if (len && text[len - 1] != '\n')
            putchar('\n');
    }
    store_image_clear(&img);
    return r < 0 ? error_prefix(err, "image %s", ref) : 0;
}

int cmd_inspect(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    static const char usage[] = "usage: imagetool inspect [--platform OS/ARCH[/VARIANT]] REF";
    static const struct option opts[] = {
        { "platform", required_argument, NULL, 'p' }, { "help", no_argument, NULL, 'h' }, { 0 },
    };
    struct platform p = platform_host();
    CLEANUP_FREE char *storage = NULL;
    int c;
    while ((c = getopt_long(argc, argv, "h", opts, NULL)) != -1) {
        if (c == 'h')
            return puts(usage), 0;
        if (c != 'p')
            return error_setc(err, EXIT_USAGE, 0, "%s", usage);
        free(storage);
        if (platform_parse(optarg, &p, &storage, err) < 0)
            return -1;
    }
    if (optind != argc - 1)
        return error_setc(err, EXIT_USAGE, 0, "%s", usage);
    CLEANUP_STORE struct store *s = NULL;
    if (store_open(g->store_root, &s, err) < 0 || store_lock(s, false, err) < 0)
        return -1;
    return inspect(s, argv[optind], &p, err);
}
