/* Unit tests (TAP) for manifest, index and config parsing, platform
 * selection and store name normalisation. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "imagetool/image/image.h"
#include "imagetool/sources/archive_path.h"
#include "imagetool/store/store.h"
#include "tests/unit/tap.h"

static bool err_has(struct error *e, int cls, const char *text)
{
    return e && e->exit_class == cls && strstr(e->msg, text) != NULL;
}

#define D1 "sha256:1111111111111111111111111111111111111111111111111111111111111111"
#define D2 "sha256:2222222222222222222222222222222222222222222222222222222222222222"
#define D3 "sha256:3333333333333333333333333333333333333333333333333333333333333333"

static void test_manifest(void)
{
    const char *oci = "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_MANIFEST "\","
                      "\"config\":{\"mediaType\":\"" MT_OCI_CONFIG "\",\"digest\":\"" D1 "\",\"size\":7},"
                      "\"layers\":[{\"mediaType\":\"" MT_OCI_LAYER_GZIP "\",\"digest\":\"" D2 "\",\"size\":100},"
                      "{\"mediaType\":\"" MT_OCI_LAYER_ZSTD "\",\"digest\":\"" D3 "\",\"size\":200}]}";
    struct manifest m;
    CLEANUP_ERROR struct error *err = NULL;
    ok(manifest_parse(oci, strlen(oci), &m, &err) == 0, "OCI manifest parses");
    ok(m.n_layers == 2 && strcmp(m.config.digest, D1) == 0 && m.config.size == 7, "config and layer count");
    ok(strcmp(m.layers[1].media_type, MT_OCI_LAYER_ZSTD) == 0 && m.layers[1].size == 200, "layer descriptor");
    ok(strcmp(m.media_type, MT_OCI_MANIFEST) == 0, "media type kept");
    manifest_clear(&m);

    const char *docker = "{\"schemaVersion\":2,\"mediaType\":\"" MT_DOCKER_MANIFEST "\","
                         "\"config\":{\"mediaType\":\"" MT_DOCKER_CONFIG "\",\"digest\":\"" D1 "\",\"size\":7},"
                         "\"layers\":[]}";
    ok(manifest_parse(docker, strlen(docker), &m, &err) == 0 && m.n_layers == 0 &&
           strcmp(m.media_type, MT_DOCKER_MANIFEST) == 0,
       "Docker schema2 manifest with no layers");
    manifest_clear(&m);

    const char *untyped = "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":1},\"layers\":[]}";
    ok(manifest_parse(untyped, strlen(untyped), &m, &err) == 0 && strcmp(m.media_type, MT_OCI_MANIFEST) == 0,
       "a manifest without mediaType is OCI");
    manifest_clear(&m);
}

static void test_manifest_errors(void)
{
    struct manifest m;
    struct { const char *json, *want; int cls; } cases[] = {
        { "{\"schemaVersion\":1,\"fsLayers\":[]}", "schema1 manifests are unsupported", EXIT_INVALID },
        { "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":[]}", "image index", EXIT_INVALID },
        { "{\"schemaVersion\":2,\"layers\":[]}", "config: missing", EXIT_INVALID },
        { "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"},\"layers\":[{\"digest\":\"md5:abc\"}]}",
          "layers[0].digest: unsupported or malformed digest", EXIT_INVALID },
        { "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\",\"size\":\"7\"},\"layers\":[]}", "config.size",
          EXIT_INVALID },
        { "{\"schemaVersion\":2,\"config\":{\"digest\":\"" D1 "\"},\"layers\":{}}", "layers", EXIT_INVALID },
        { "{\"schemaVersion\":2,", "malformed JSON", EXIT_INVALID },
        { "null", "manifest", EXIT_INVALID },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CLEANUP_ERROR struct error *err = NULL;
        int r = manifest_parse(cases[i].json, strlen(cases[i].json), &m, &err);
        ok(r < 0 && err_has(err, cases[i].cls, cases[i].want), "bad manifest %zu refused: %s", i, cases[i].want);
        if (r < 0 && err && !err_has(err, cases[i].cls, cases[i].want))
            printf("# got: %s\n", err->msg);
    }
}

static const char *index_json =
    "{\"schemaVersion\":2,\"mediaType\":\"" MT_OCI_INDEX "\",\"manifests\":["
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":1,"
    "\"platform\":{\"os\":\"unknown\",\"architecture\":\"unknown\"}},"
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D2 "\",\"size\":1,"
    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm64\",\"variant\":\"v8\"}},"
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D3 "\",\"size\":1,"
    "\"platform\":{\"os\":\"linux\",\"architecture\":\"arm\",\"variant\":\"v6\"}},"
    "{\"mediaType\":\"" MT_OCI_MANIFEST "\",\"digest\":\"" D1 "\",\"size\":1,"
    "\"platform\":{\"os\":\"linux\",\"architecture\":\"amd64\",\"variant\":\"v3\"}}]}";

static bool selects(const char *os, const char *arch, const char *variant, const char *want)
{
    struct platform p = { os, arch, variant };
    struct descriptor d = { 0 };
    CLEANUP_ERROR struct error *err = NULL;
    bool r = index_select(index_json, strlen(index_json), &p, &d, &err) == 0 && strcmp(d.digest, want) == 0;
    descriptor_clear(&d);
    return r;
}

static void test_index(void)
{
    ok(image_json_is_index(index_json, strlen(index_json)), "index recognised by media type");
    ok(image_json_is_index("{\"manifests\":[]}", 16), "index recognised by shape");
    ok(!image_json_is_index("{\"config\":{},\"layers\":[]}", 25), "manifest is no index");
    ok(selects("linux", "arm64", NULL, D2), "arm64 means arm64/v8");
    ok(selects("linux", "arm64", "v8", D2), "arm64/v8 exact");
    ok(selects("linux", "arm", "v6", D3), "arm/v6 exact");
    ok(!selects("linux", "arm", "v7", D3), "arm/v7 is not arm/v6");
    ok(selects("linux", "amd64", NULL, D1), "no variant asked: amd64/v3 will do");
    ok(!selects("linux", "amd64", "v2", D1), "asked variant v2: v3 will not");
    struct platform p = { "linux", "s390x", NULL };
    struct descriptor d = { 0 };
    CLEANUP_ERROR struct error *err = NULL;
    ok(index_select(index_json, strlen(index_json), &p, &d, &err) < 0 &&
           err_has(err, EXIT_NOTFOUND, "linux/s390x") && strstr(err->msg, "linux/arm/v6") &&
           !strstr(err->msg, "unknown"),
       "missing platform: not found, names the ones there, not artifacts");
    struct platform u = { "unknown", "unknown", NULL };
    CLEANUP_ERROR struct error *err2 = NULL;
    ok(index_select(index_json, strlen(index_json), &u, &d, &err2) < 0, "unknown/unknown artifacts are skipped");
}

static void test_platform(void)
{
    struct platform p;
    char *storage = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    ok(platform_parse("linux/arm64/v8", &p, &storage, &err) == 0 && strcmp(p.os, "linux") == 0 &&
           strcmp(p.architecture, "arm64") == 0 && strcmp(p.variant, "v8") == 0,
       "os/arch/variant");
    free(storage);
    ok(platform_parse("linux/x86_64", &p, &storage, &err) == 0 && strcmp(p.architecture, "amd64") == 0 &&
           p.variant == NULL,
       "x86_64 is amd64");
    free(storage);
    ok(platform_parse("linux", &p, &storage, &err) < 0 && err_has(err, EXIT_USAGE, "OS/ARCH"), "arch required");
    CLEANUP_ERROR struct error *err2 = NULL;
    ok(platform_parse("linux/arm/v7/x", &p, &storage, &err2) < 0, "too many parts");
    struct platform h = platform_host();
    ok(h.os && strcmp(h.os, "linux") == 0 && h.architecture, "host platform is linux/<arch>");
}

static void test_config(void)
{
    const char *json = "{\"architecture\":\"arm\",\"variant\":\"v7\",\"os\":\"linux\",\"created\":\"x\","
                       "\"config\":{\"User\":\"nobody:users\",\"Env\":[\"PATH=/bin\",\"A=b c\"],"
                       "\"Entrypoint\":[\"/init\"],\"Cmd\":null,\"WorkingDir\":\"/srv\","
                       "\"Labels\":{\"l1\":\"v1\",\"l2\":\"\"},\"StopSignal\":\"SIGQUIT\","
                       "\"ExposedPorts\":{\"80/tcp\":{},\"53/udp\":{}},\"Volumes\":{\"/data\":{}}},"
                       "\"rootfs\":{\"type\":\"layers\",\"diff_ids\":[\"" D1 "\",\"" D2 "\"]}}";
    struct image_config c;
    CLEANUP_ERROR struct error *err = NULL;
    ok(image_config_parse(json, strlen(json), &c, &err) == 0, "config parses");
    ok(strcmp(c.architecture, "arm") == 0 && strcmp(c.variant, "v7") == 0 && strcmp(c.os, "linux") == 0,
       "platform fields");
    ok(strcmp(c.user, "nobody:users") == 0 && strcmp(c.working_dir, "/srv") == 0 &&
           strcmp(c.stop_signal, "SIGQUIT") == 0,
       "User, WorkingDir, StopSignal");
    ok(c.env && strcmp(c.env[1], "A=b c") == 0 && !c.env[2], "Env");
    ok(c.entrypoint && strcmp(c.entrypoint[0], "/init") == 0 && c.cmd == NULL, "Entrypoint, null Cmd");
    ok(c.n_labels == 2 && strcmp(c.labels[0].key, "l1") == 0 && strcmp(c.labels[1].value, "") == 0, "Labels");
    ok(c.exposed_ports && strcmp(c.exposed_ports[1], "53/udp") == 0 && c.volumes &&
           strcmp(c.volumes[0], "/data") == 0,
       "ExposedPorts and Volumes keys");
    ok(c.diff_ids && strcmp(c.diff_ids[1], D2) == 0 && !c.diff_ids[2], "diff_ids");
    image_config_clear(&c);

    ok(image_config_parse("{}", 2, &c, &err) == 0 && c.diff_ids && !c.diff_ids[0] && !c.env,
       "an empty config has no diff_ids");
    image_config_clear(&c);

    const char *bad = "{\"config\":{\"Cmd\":\"sh -c x\"}}";
    ok(image_config_parse(bad, strlen(bad), &c, &err) < 0 && err_has(err, EXIT_INVALID, "config.Cmd"),
       "Cmd as a string is refused naming config.Cmd");
    CLEANUP_ERROR struct error *err2 = NULL;
    const char *bad_id = "{\"rootfs\":{\"diff_ids\":[\"sha256:xyz\"]}}";
    ok(image_config_parse(bad_id, strlen(bad_id), &c, &err2) < 0 && err_has(err2, EXIT_INVALID, "diff_ids"),
       "a malformed diff_id is refused");
}

static void test_names(void)
{
    struct { const char *in, *out; } cases[] = {
        { "busybox", "docker.io/library/busybox:latest" },
        { "busybox:1.36", "docker.io/library/busybox:1.36" },
        { "docker.io/busybox", "docker.io/library/busybox:latest" },
        { "index.docker.io/library/busybox:1", "docker.io/library/busybox:1" },
        { "user/app:v1", "docker.io/user/app:v1" },
        { "localhost:5000/app", "localhost:5000/app:latest" },
        { "quay.io/a/b/c:t", "quay.io/a/b/c:t" },
        { "app@" D1, "docker.io/library/app@" D1 },
        { "oci:dir", "oci:dir" },
        { "oci:/x/y:tag", "oci:/x/y:tag" },
        { "docker-archive:/a.tar:@1", "docker-archive:/a.tar:@1" },
        { "Not/A/Ref", "Not/A/Ref" },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        CLEANUP_FREE char *got = store_name_normalise(cases[i].in);
        ok(strcmp(got, cases[i].out) == 0, "name %s -> %s", cases[i].in, cases[i].out);
        if (strcmp(got, cases[i].out) != 0)
            printf("# got %s\n", got);
    }
}

static bool same(char *got, const char *want)
{
    bool r = want ? got && strcmp(got, want) == 0 : got == NULL;
    if (!r)
        printf("# got %s, want %s\n", got ? got : "NULL", want ? want : "NULL");
    free(got);
    return r;
}

static void test_archive_paths(void)
{
    ok(same(archive_path_normalise("./a//b/./c/"), "a/b/c"), "entry name made canonical");
    ok(same(archive_path_normalise("/manifest.json"), "manifest.json"), "leading slash dropped");
    ok(same(archive_path_normalise("./"), ""), "the root entry is empty");
    ok(same(archive_path_normalise("./../../../etc/x/json"), NULL), "\"..\" in an entry name refused");
    ok(same(archive_path_normalise("a/../b"), NULL), "\"..\" anywhere refused");
    ok(same(archive_link_resolve("b/layer.tar", "../a/layer.tar"), "a/layer.tar"), "sibling layer symlink");
    ok(same(archive_link_resolve("blobs/sha256/x", "../../rootfs.tar.gz"), "rootfs.tar.gz"), "up to the root");
    ok(same(archive_link_resolve("b/layer.tar", "../../etc/passwd"), NULL), "symlink leaving the archive");
    ok(same(archive_link_resolve("b/layer.tar", "/etc/passwd"), NULL), "absolute symlink refused");
}

int main(void)
{
    test_manifest();
    test_manifest_errors();
    test_index();
    test_platform();
    test_config();
    test_names();
    test_archive_paths();
    return tap_done();
}
