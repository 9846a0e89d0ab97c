/* Appc image manifest validation: valid manifests parse, each bad one
 * fails with EXIT_INVALID and a message naming the field; identifiers,
 * image IDs, label matching and the store's canonical names. */
#include <stdlib.h>

#include "common/cleanup.h"
#include "imagetool/appc/appc_store.h"
#include "imagetool/appc/manifest.h"
#include "tests/unit/tap.h"

#define HEAD "\"acKind\":\"ImageManifest\",\"acVersion\":\"0.8.11\""

static void valid(const char *json, const char *what)
{
    struct aci_manifest m;
    CLEANUP_ERROR struct error *err = NULL;
    int r = aci_manifest_parse(json, strlen(json), &m, &err);
    ok(r == 0, "valid: %s%s%s", what, err ? ": " : "", err ? err->msg : "");
    if (r == 0)
        aci_manifest_clear(&m);
}

static void invalid(const char *json, const char *msg)
{
    struct aci_manifest m;
    CLEANUP_ERROR struct error *err = NULL;
    int r = aci_manifest_parse(json, strlen(json), &m, &err);
    ok(r < 0 && err && err->exit_class == EXIT_INVALID && strstr(err->msg, msg), "invalid: %s", msg);
    if (r < 0 && err && !strstr(err->msg, msg))
        printf("#   got: %s\n", err->msg);
    if (r == 0)
        aci_manifest_clear(&m);
}

static void manifests(void)
{
    valid("{" HEAD ",\"name\":\"example.com/app\"}", "minimal");
    valid("{" HEAD ",\"name\":\"a\",\"labels\":[{\"name\":\"os\",\"value\":\"linux\"},{\"name\":\"arch\",\"value\":"
          "\"aarch64\"}],\"app\":{\"exec\":[\"/x\"],\"user\":\"0\",\"group\":\"0\",\"isolators\":[{\"name\":"
          "\"resource/memory\",\"value\":{\"limit\":\"1Gi\"}}],\"ports\":[{\"name\":\"http\",\"protocol\":\"tcp\","
          "\"port\":80}]},\"dependencies\":[{\"imageName\":\"b\"}],\"pathWhitelist\":[\"/x\"]}",
          "full");
    invalid("[]", "manifest: expected object");
    invalid("{\"acKind\":\"PodManifest\",\"acVersion\":\"0.8.11\",\"name\":\"a\"}", "acKind: expected \"ImageManifest\"");
    invalid("{\"acKind\":\"ImageManifest\",\"name\":\"a\"}", "acVersion: missing");
    invalid("{\"acKind\":\"ImageManifest\",\"acVersion\":\"1.0\",\"name\":\"a\"}", "acVersion: \"1.0\" is not");
    invalid("{" HEAD "}", "name: missing");
    invalid("{" HEAD ",\"name\":\"a//b\"}", "name: \"a//b\" is not an AC identifier");
    invalid("{" HEAD ",\"name\":\"-a\"}", "name: \"-a\" is not an AC identifier");
    invalid("{" HEAD ",\"name\":\"a\",\"labels\":[{\"name\":\"name\",\"value\":\"x\"}]}", "cannot be called \"name\"");
    invalid("{" HEAD ",\"name\":\"a\",\"labels\":[{\"name\":\"os\",\"value\":\"plan9\"}]}", "labels: bad os \"plan9\"");
    invalid("{" HEAD ",\"name\":\"a\",\"labels\":{}}", "labels: expected array");
    invalid("{" HEAD ",\"name\":\"a\",\"app\":{\"user\":\"0\"}}", "app.group: required");
    invalid("{" HEAD ",\"name\":\"a\",\"app\":{\"user\":\"0\",\"group\":\"0\",\"exec\":\"/x\"}}", "app.exec");
    invalid("{" HEAD ",\"name\":\"a\",\"app\":{\"user\":\"0\",\"group\":\"0\",\"isolators\":[{\"name\":\"X\","
            "\"value\":1}]}}",
            "app.isolators[0].name: \"X\" is not an AC identifier");
    invalid("{" HEAD ",\"name\":\"a\",\"app\":{\"user\":\"0\",\"group\":\"0\",\"isolators\":[{\"name\":"
            "\"resource/cpu\",\"value\":{\"request\":\"fast\"}}]}}",
            "app.isolators[0].value.request: \"fast\" is not a resource quantity");
    invalid("{" HEAD ",\"name\":\"a\",\"app\":{\"user\":\"0\",\"group\":\"0\",\"ports\":[{\"name\":\"p\","
            "\"protocol\":\"tcp\",\"port\":70000}]}}",
            "app.ports[0].port: 70000 is not in 1..65535");
    invalid("{" HEAD ",\"name\":\"a\",\"app\":{\"user\":\"0\",\"group\":\"0\",\"mountPoints\":[{\"name\":\"Data\","
            "\"path\":\"/d\"}]}}",
            "app.mountPoints[0].name: \"Data\" is not an AC name");
    invalid("{" HEAD ",\"name\":\"a\",\"app\":{\"user\":\"0\",\"group\":\"0\",\"supplementaryGIDs\":[-1]}}",
            "app.supplementaryGIDs[0]");
    invalid("{" HEAD ",\"name\":\"a\",\"dependencies\":[{}]}", "dependencies[0].imageName: \"\" is not an AC identifier");
    invalid("{" HEAD ",\"name\":\"a\",\"dependencies\":[{\"imageName\":\"b\",\"imageID\":\"sha512-xyz\"}]}",
            "dependencies[0].imageID");
    invalid("{" HEAD ",\"name\":\"a\",\"pathWhitelist\":[\"\"]}", "pathWhitelist[0]: empty path");
    invalid("{" HEAD ",\"name\":\"a\",\"annotations\":[{\"name\":\"x\",\"value\":\"1\"},{\"name\":\"x\",\"value\":"
            "\"2\"}]}",
            "annotations[1].name: duplicate \"x\"");
}

static void identifiers(void)
{
    ok(appc_identifier_ok("example.com/app-1_2~3"), "identifier with every separator");
    ok(!appc_identifier_ok("Example.com"), "no upper case");
    ok(!appc_identifier_ok("a."), "no trailing separator");
    ok(!appc_identifier_ok(""), "not empty");
    ok(appc_acname_ok("data-1") && !appc_acname_ok("data.1"), "AC names: only -");
    char id[136] = "sha512-";
    memset(id + 7, 'a', 128);
    id[135] = '\0';
    ok(appc_image_id_ok(id, false), "full image ID");
    ok(!appc_image_id_ok("sha512-abc", false) && appc_image_id_ok("sha512-abc", true), "prefix only when allowed");
}

static void labels(void)
{
    struct appc_labels have = { 0 }, want = { 0 };
    appc_label_set(&have, "version", "1.0");
    appc_label_set(&have, "os", "linux");
    appc_label_set(&want, "version", "1.0");
    appc_label_set(&want, "arch", "amd64");
    ok(appc_labels_match(&have, &want), "an image without arch matches any arch");
    appc_label_set(&want, "os", "darwin");
    ok(!appc_labels_match(&have, &want), "a different os does not");
    CLEANUP_FREE char *name = appc_store_name("example.com/a", &want);
    is_str(name, "appc:example.com/a,arch=amd64,os=darwin,version=1.0", "store name: labels sorted");
    appc_labels_clear(&have);
    appc_labels_clear(&want);
}

int main(void)
{
    manifests();
    identifiers();
    labels();
    return tap_done();
}
