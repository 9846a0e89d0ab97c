/* imagetool inspect [--platform P] REF: the image's manifest and config as
 * one JSON document {name, digest, manifest, config}. REF is a name or
 * digest in the store, or a source (oci:DIR, docker://..., as skopeo
 * inspect), read into a throwaway store without its layers: the user's
 * store is never touched. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/image/image.h"
#include "imagetool/source.h"
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

/* shown: the name to print (a source string), or NULL for the store's */
static int inspect(struct store *s, const char *ref, const struct platform *p, const char *shown, struct error **err)
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
        jg_key_str(g, "name", shown ? shown : img.name);
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
    return r < 0 ? error_prefix(err, "image %s", shown ? shown : ref) : 0;
}

static int inspect_source(const struct cli_args *a, const char *ref, const struct platform *p, struct error **err)
{
    CLEANUP_FREE char *tmp = xasprintf("%s/imagetool-inspect.XXXXXX", getenv("TMPDIR") ? getenv("TMPDIR") : "/tmp");
    if (mkdtemp(tmp) == NULL)
        return error_set(err, errno, "mkdtemp %s", tmp);
    struct import_opts o = { .platform = *p, .quiet = true, .tls_verify = true, .config_only = true };
    o.creds = cli_get(a, "creds", NULL);
    o.authfile = cli_get(a, "authfile", NULL);
    struct store *s = NULL;
    struct imported im = { 0 };
    int r = cli_has(a, "tls-verify") ? cmd_parse_bool("tls-verify", cli_get(a, "tls-verify", NULL), &o.tls_verify, err)
                                     : 0;
    if (r == 0)
        r = store_open(tmp, &s, err);
    if (r == 0)
        r = source_import(s, ref, &o, &im, err);
    if (r == 0)
        r = inspect(s, im.manifest_digest, p, im.name ? im.name : ref, err);
    imported_clear(&im);
    store_close(s);
    CLEANUP_ERROR struct error *rm_err = NULL;
    if (rm_rf(tmp, &rm_err) < 0)
        log_warn("removing %s: %s", tmp, rm_err->msg);
    return r;
}

/* A source string the store already names (an image pulled from it) is
 * read from the store, with everything it needed (Appc dependencies). */
static bool stored(const char *root, const char *ref)
{
    CLEANUP_STORE struct store *s = NULL;
    struct store_image img = { 0 };
    if (store_open_existing(root, &s, NULL) < 0 || store_lock(s, false, NULL) < 0 || store_resolve(s, ref, &img, NULL) < 0)
        return false;
    store_image_clear(&img);
    return true;
}

static int inspect_cmd(const struct cli_args *a, struct error **err)
{
    struct platform p = platform_host();
    CLEANUP_FREE char *storage = NULL;
    const char *platform = cli_get(a, "platform", NULL);
    if (platform && platform_parse(platform, &p, &storage, err) < 0)
        return -1;
    const struct source *src;
    const char *rest;
    if (source_lookup(a->argv[0], &src, &rest, NULL) == 0 && !stored(cmd_globals(a)->store_root, a->argv[0]))
        return inspect_source(a, a->argv[0], &p, err);
    CLEANUP_STORE struct store *s = NULL;
    if (store_open_existing(cmd_globals(a)->store_root, &s, err) < 0 || store_lock(s, false, err) < 0)
        return -1;
    return inspect(s, a->argv[0], &p, NULL, err);
}

static const struct cli_option options[] = {
    { 0, "platform", CLI_ARG, "OS/ARCH[/VARIANT]", "pick from a multi-platform image", "this host", 0 },
    { 0, "creds", CLI_ARG, "USER:PASS", "registry credentials (docker://)", NULL, 0 },
    { 0, "authfile", CLI_ARG, "FILE", "registry auth file (docker://)", NULL, 0 },
    { 0, "tls-verify", CLI_OPTARG, "BOOL", "verify the registry's TLS certificate (docker://)", "true", 0 },
    { 0 },
};

const struct cli_command cmd_inspect = {
    .name = "inspect",
    .fn = inspect_cmd,
    .summary = "show an image's manifest and config",
    .synopsis = "REF",
    .description = "REF: a name, a digest or a unique prefix of a digest's hex, in the store; or a source\n"
                   "(oci:DIR[:TAG], oci-archive:FILE, docker-archive:FILE, dir:DIR, docker://...), read\n"
                   "without its layers and without touching the store, as skopeo inspect does.\n",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
