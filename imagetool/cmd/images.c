/* imagetool images [--format table|json] [-q]: the images in the store,
 * sorted by name (untagged ones last, by digest). */
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/xalloc.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

struct summary {
    uint64_t size;  /* manifest + config + layers, as stored */
    char *created;  /* the config's "created", or NULL */
    char *platform; /* the config's os/architecture[/variant], or NULL (an index) */
};

static void read_created(struct store *s, const char *config, struct summary *sum)
{
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    CLEANUP_JSON yajl_val root = NULL;
    const char *created = NULL, *os = NULL, *arch = NULL, *variant = NULL;
    if (store_blob_read(s, config, &json, &len, NULL) < 0 || json_parse(json, len, "config", &root, NULL) < 0)
        return;
    if (json_get_string(root, "", "created", &created, NULL) == 1)
        sum->created = xstrdup(created);
    if (json_get_string(root, "", "os", &os, NULL) == 1 && json_get_string(root, "", "architecture", &arch, NULL) == 1) {
        bool has_variant = json_get_string(root, "", "variant", &variant, NULL) == 1;
        sum->platform = has_variant ? xasprintf("%s/%s/%s", os, arch, variant) : xasprintf("%s/%s", os, arch);
    }
}

static void summarise(struct store *s, const struct store_image *img, struct summary *sum)
{
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    struct manifest m = { 0 };
    sum->size = img->size;
    if (store_blob_read(s, img->digest, &json, &len, NULL) < 0 || image_json_is_index(json, len) ||
        manifest_parse(json, len, &m, NULL) < 0)
        return;
    sum->size = len + m.config.size;
    for (size_t i = 0; i < m.n_layers; i++)
        sum->size += m.layers[i].size;
    read_created(s, m.config.digest, sum);
    manifest_clear(&m);
}

static void human_size(uint64_t n, char *buf, size_t size)
{
    static const char *const units[] = { "B", "kB", "MB", "GB", "TB" };
    double v = (double)n;
    size_t u = 0;
    while (v >= 1000 && u + 1 < sizeof(units) / sizeof(units[0]))
        v /= 1000, u++;
    snprintf(buf, size, u ? "%.1f%s" : "%.0f%s", v, units[u]);
}

/* "2020-01-23T16:53:06.686Z" -> "2020-01-23 16:53" */
static void short_time(const char *created, char *buf, size_t size)
{
    if (created == NULL || strlen(created) < 16) {
        snprintf(buf, size, "-");
        return;
    }
    snprintf(buf, size, "%.10s %.5s", created, created + 11);
}

static void print_table(const struct store_image *imgs, const struct summary *sums, size_t n)
{
    int width = 4;
    for (size_t i = 0; i < n; i++)
        if (imgs[i].name && (int)strlen(imgs[i].name) > width)
            width = (int)strlen(imgs[i].name);
    printf("%-*s  %-12s  %-14s  %8s  %s\n", width, "NAME", "DIGEST", "PLATFORM", "SIZE", "CREATED");
    for (size_t i = 0; i < n; i++) {
        char size[32], when[32];
        human_size(sums[i].size, size, sizeof(size));
        short_time(sums[i].created, when, sizeof(when));
        printf("%-*s  %.12s  %-14s  %8s  %s\n", width, imgs[i].name ? imgs[i].name : "<none>",
               digest_hex(imgs[i].digest), sums[i].platform ? sums[i].platform : "(index)", size, when);
    }
}

static void print_json(const struct store_image *imgs, const struct summary *sums, size_t n)
{
    CLEANUP_JSON_GEN yajl_gen g = json_gen_new(true);
    jg_arr_open(g);
    for (size_t i = 0; i < n; i++) {
        jg_obj_open(g);
        jg_key(g, "name");
        imgs[i].name ? jg_str(g, imgs[i].name) : jg_null(g);
        jg_key_str(g, "digest", imgs[i].digest);
        jg_key_str(g, "mediaType", imgs[i].media_type);
        jg_key(g, "size");
        jg_uint(g, sums[i].size);
        jg_key_str(g, "created", sums[i].created);
        jg_key_str(g, "platform", sums[i].platform);
        jg_obj_close(g);
    }
    jg_arr_close(g);
    size_t len = 0;
    const char *text = jg_text(g, &len);
    fwrite(text, 1, len, stdout);
    if (len && text[len - 1] != '\n')
        putchar('\n');
}

/* Named images by name, then untagged ones by digest. */
static int by_name(const void *x, const void *y)
{
    const struct store_image *a = x, *b = y;
    if (a->name && b->name)
        return strcmp(a->name, b->name);
    if (a->name || b->name)
        return a->name ? -1 : 1;
    return strcmp(a->digest, b->digest);
}

/* -q: one full digest a line, each image once (docker images -q --no-trunc) */
static void print_digests(const struct store_image *imgs, size_t n)
{
    for (size_t i = 0; i < n; i++) {
        bool seen = false;
        for (size_t j = 0; j < i && !seen; j++)
            seen = strcmp(imgs[j].digest, imgs[i].digest) == 0;
        if (!seen)
            printf("%s\n", imgs[i].digest);
    }
}

static int images(const struct cli_args *a, struct error **err)
{
    const char *format = cli_get(a, "format", "table");
    if (strcmp(format, "table") != 0 && strcmp(format, "json") != 0)
        return cli_usage_error(err, "--format: expected table or json, got '%s'", format);
    CLEANUP_STORE struct store *s = NULL;
    struct store_image *imgs = NULL;
    size_t n = 0;
    if (store_open_existing(cmd_globals(a)->store_root, &s, err) < 0 || store_lock(s, false, err) < 0 || store_list(s, &imgs, &n, err) < 0)
        return -1;
    if (n > 1)
        qsort(imgs, n, sizeof(*imgs), by_name);
    if (cli_has(a, "quiet")) {
        print_digests(imgs, n);
        store_images_free(imgs, n);
        return 0;
    }
    struct summary *sums = xcalloc(n + 1, sizeof(*sums));
    for (size_t i = 0; i < n; i++)
        summarise(s, &imgs[i], &sums[i]);
    if (strcmp(format, "json") == 0)
        print_json(imgs, sums, n);
    else
        print_table(imgs, sums, n);
    for (size_t i = 0; i < n; i++)
        free(sums[i].created), free(sums[i].platform);
    free(sums);
    store_images_free(imgs, n);
    return 0;
}

static const struct cli_option options[] = {
    { 0, "format", CLI_ARG, "table|json", "output format", "table", 0 },
    { 'q', "quiet", CLI_NOARG, NULL, "print only the manifest digests, each once", NULL, 0 },
    { 0 },
};

const struct cli_command cmd_images = {
    .name = "images",
    .fn = images,
    .flags = CLI_STORE_MUST_EXIST,
    .summary = "list the images in the store",
    .options = options,
    .max_args = 0,
};
