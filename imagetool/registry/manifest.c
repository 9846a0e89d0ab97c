#include "imagetool/registry/manifest.h"

#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/json.h"
#include "common/log.h"
#include "common/xalloc.h"

void fetched_manifest_clear(struct fetched_manifest *f)
{
    free(f->body);
    free(f->media_type);
    memset(f, 0, sizeof(*f));
}

static bool is_index_type(const char *mt)
{
    return !strcmp(mt, MT_OCI_INDEX) || !strcmp(mt, MT_DOCKER_LIST);
}

static bool is_schema1_type(const char *mt)
{
    return !strcmp(mt, MT_DOCKER_SCHEMA1) || !strcmp(mt, MT_DOCKER_SCHEMA1_SIGNED);
}

/* The body's own mediaType wins; then a known Content-Type; then the
 * shape (schemaVersion 1, "manifests", "layers"). */
static char *detect_media_type(const struct http_response *resp, const char *what, struct error **err)
{
    CLEANUP_JSON yajl_val root = NULL;
    if (json_parse_max(resp->body, resp->body_len, JSON_MANIFEST_MAX, what, &root, err) < 0)
        return NULL;
    const char *mt = NULL;
    int64_t version = 0;
    if (json_get_string(root, "", "mediaType", &mt, err) < 0 || json_get_int64(root, "", "schemaVersion", &version, err) < 0) {
        error_prefix(err, "%s", what);
        return NULL;
    }
    if (version == 1)
        return xstrdup(MT_DOCKER_SCHEMA1_SIGNED);
    if (mt && *mt)
        return xstrdup(mt);
    if (resp->content_type) {
        CLEANUP_FREE char *ct = strndup(resp->content_type, strcspn(resp->content_type, "; "));
        if (is_index_type(ct) || is_schema1_type(ct) || !strcmp(ct, MT_OCI_MANIFEST) || !strcmp(ct, MT_DOCKER_MANIFEST))
            return TAKE_PTR(ct);
    }
    if (json_member(root, "manifests"))
        return xstrdup(MT_OCI_INDEX);
    if (json_member(root, "layers"))
        return xstrdup(MT_OCI_MANIFEST);
    error_setc(err, EXIT_INVALID, 0, "%s: not an image manifest (no mediaType, manifests or layers)", what);
    return NULL;
}

static int check_digest(const struct http_response *resp, const char *expected, const char *what,
                        char digest[DIGEST_STR_LEN + 1], struct error **err)
{
    sha256_buf(resp->body, resp->body_len, digest);
    if (expected && strcmp(expected, digest) != 0)
        return error_setc(err, EXIT_INVALID, 0, "%s: manifest digest mismatch: expected %s, got %s", what, expected,
                          digest);
    if (resp->docker_digest && !strncmp(resp->docker_digest, "sha256:", 7) && strcmp(resp->docker_digest, digest))
        return error_setc(err, EXIT_INVALID, 0,
                          "%s: manifest digest mismatch: Docker-Content-Digest says %s, content is %s", what,
                          resp->docker_digest, digest);
    return 0;
}

int manifest_fetch(struct registry *r, const char *reference, const char *expected, struct fetched_manifest *out,
                   struct error **err)
{
    memset(out, 0, sizeof(*out));
    CLEANUP_FREE char *path = xasprintf("manifests/%s", reference);
    CLEANUP_FREE char *what = xasprintf("manifest %s", reference);
    struct http_response resp = { 0 };
    int ret = registry_get(r, path, MANIFEST_ACCEPT, &resp, err);
    if (ret == 0 && resp.status != 200)
        ret = registry_status_error(r, &resp, what, err);
    if (ret == 0 && resp.body_len == 0)
        ret = error_setc(err, EXIT_NETWORK, 0, "%s: empty manifest", what);
    if (ret == 0)
        ret = check_digest(&resp, expected, what, out->digest, err);
    if (ret == 0 && (out->media_type = detect_media_type(&resp, what, err)) == NULL)
        ret = -1;
    if (ret == 0 && is_schema1_type(out->media_type))
        ret = error_setc(err, EXIT_INVALID, 0,
                         "%s: Docker schema1 manifests are unsupported (deprecated format; re-push the image with a "
                         "current client)", what);
    if (ret == 0) {
        out->body = TAKE_PTR(resp.body);
        out->len = resp.body_len;
        log_debug("manifest %s: %s %s", what, out->media_type, out->digest);
    } else {
        fetched_manifest_clear(out);
    }
    http_response_clear(&resp);
    return ret;
}

static int follow_index(struct registry *r, const struct platform *p, struct fetched_manifest *f, struct error **err)
{
    struct descriptor d = { 0 };
    if (index_select(f->body, f->len, p, &d, err) < 0)
        return error_prefix(err, "%s/%s", r->host, r->repo);
    struct fetched_manifest child;
    int ret = manifest_fetch(r, d.digest, d.digest, &child, err);
    descriptor_clear(&d);
    if (ret < 0)
        return -1;
    fetched_manifest_clear(f);
    *f = child;
    if (is_index_type(f->media_type))
        return error_setc(err, EXIT_INVALID, 0, "%s/%s@%s: an index inside an index is not supported", r->host,
                          r->repo, f->digest);
    return 0;
}

int manifest_resolve(struct registry *r, const struct docker_ref *ref, const struct platform *p,
                     struct fetched_manifest *out, struct manifest *m, struct error **err)
{
    const char *reference = ref->digest ? ref->digest : ref->tag;
    if (manifest_fetch(r, reference, ref->digest, out, err) < 0)
        return -1;
    if (is_index_type(out->media_type) && follow_index(r, p, out, err) < 0) {
        fetched_manifest_clear(out);
        return -1;
    }
    if (manifest_parse(out->body, out->len, m, err) < 0) {
        fetched_manifest_clear(out);
        return error_prefix(err, "%s/%s@%s", r->host, r->repo, out->digest);
    }
    return 0;
}
