/* Registry client pieces that need no server: WWW-Authenticate parsing,
 * credentials from auth files, URL origins, retry policy. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "imagetool/registry/auth.h"
#include "imagetool/registry/creds.h"
#include "imagetool/registry/http.h"
#include "tests/unit/tap.h"

static int eq(const char *a, const char *b)
{
    return a && b && strcmp(a, b) == 0;
}

static void test_challenges(void)
{
    struct auth_challenge c;
    CLEANUP_ERROR struct error *err = NULL;
    int rc = auth_challenge_parse(
        "Bearer realm=\"https://auth.docker.io/token\",service=\"registry.docker.io\",scope=\"repository:library/busybox:pull\"",
        &c, &err);
    ok(rc == 0 && c.scheme == AUTH_BEARER, "Docker Hub's Bearer challenge parses");
    ok(eq(c.realm, "https://auth.docker.io/token"), "realm");
    ok(eq(c.service, "registry.docker.io"), "service");
    ok(eq(c.scope, "repository:library/busybox:pull"), "scope");
    auth_challenge_clear(&c);

    rc = auth_challenge_parse("bearer realm=\"https://x/t\", scope=\"repository:a:pull,push\", error=\"insufficient_scope\"",
                              &c, &err);
    ok(rc == 0 && c.scheme == AUTH_BEARER && eq(c.scope, "repository:a:pull,push"),
       "a quoted comma stays in the value; scheme is case-insensitive");
    ok(eq(c.error, "insufficient_scope"), "error parameter");
    auth_challenge_clear(&c);

    rc = auth_challenge_parse("Bearer realm=\"a\\\"b\",service=unquoted", &c, &err);
    ok(rc == 0 && eq(c.realm, "a\"b") && eq(c.service, "unquoted"), "escapes and unquoted values");
    auth_challenge_clear(&c);

    rc = auth_challenge_parse("Basic realm=\"Registry Realm\"", &c, &err);
    ok(rc == 0 && c.scheme == AUTH_BASIC && eq(c.realm, "Registry Realm"), "Basic challenge");
    auth_challenge_clear(&c);

    rc = auth_challenge_parse("Negotiate abc", &c, &err);
    ok(rc == 0 && c.scheme == AUTH_NONE, "an unknown scheme is no challenge");
    auth_challenge_clear(&c);

    rc = auth_challenge_parse("Bearer service=\"x\"", &c, &err);
    ok(rc < 0 && err && strstr(err->msg, "without a realm"), "Bearer without realm is an error");
    rc = auth_challenge_parse("Bearer realm=\"unterminated", &c, &err);
    ok(rc < 0 && strstr(err->msg, "malformed"), "an unterminated quote is an error");
}

static void write_text(const char *path, const char *text)
{
    FILE *f = fopen(path, "w");
    fputs(text, f);
    fclose(f);
}

static void test_creds(const char *dir)
{
    struct creds c;
    CLEANUP_ERROR struct error *err = NULL;
    CLEANUP_FREE char *file = path_join(dir, "auth.json");
    /* alice:pw -> YWxpY2U6cHc= ; bob:x:y -> Ym9iOng6eQ== */
    write_text(file, "{\"auths\": {\"https://index.docker.io/v1/\": {\"auth\": \"YWxpY2U6cHc=\"},"
                     " \"quay.io/team\": {\"auth\": \"Ym9iOng6eQ==\"},"
                     " \"quay.io\": {\"username\": \"carol\", \"password\": \"z\"},"
                     " \"127.0.0.1:5000\": {\"auth\": \"!!\"}}}");
    ok(creds_lookup(NULL, file, "docker.io", "library/busybox", &c, &err) == 0 && eq(c.user, "alice") &&
           eq(c.pass, "pw"),
       "the docker.io entry keyed https://index.docker.io/v1/");
    creds_clear(&c);
    ok(creds_lookup(NULL, file, "quay.io", "team/app", &c, &err) == 0 && eq(c.user, "bob") && eq(c.pass, "x:y"),
       "a namespace key beats the host key; a password may hold ':'");
    creds_clear(&c);
    ok(creds_lookup(NULL, file, "quay.io", "other/app", &c, &err) == 0 && eq(c.user, "carol"),
       "username/password entries");
    creds_clear(&c);
    ok(creds_lookup(NULL, file, "ghcr.io", "a/b", &c, &err) == 0 && c.user == NULL, "no entry: anonymous");
    creds_clear(&c);
    ok(creds_lookup(NULL, file, "127.0.0.1:5000", "a", &c, &err) < 0 && err->exit_class == EXIT_INVALID &&
           strstr(err->msg, "base64"),
       "bad base64 is exit 3 naming the entry");
    ok(creds_lookup("u:p:q", file, "docker.io", "x", &c, &err) == 0 && eq(c.user, "u") && eq(c.pass, "p:q"),
       "--creds wins over files");
    creds_clear(&c);
    ok(creds_lookup(":p", NULL, "docker.io", "x", &c, &err) < 0 && err->exit_class == EXIT_USAGE,
       "--creds without a user is a usage error");
    CLEANUP_FREE char *missing = path_join(dir, "missing.json");
    ok(creds_lookup(NULL, missing, "docker.io", "x", &c, &err) < 0 && err->exit_class == EXIT_NOTFOUND,
       "a missing --authfile is exit 4");
    CLEANUP_FREE char *b64 = base64_encode("alice:pw", 8);
    ok(eq(b64, "YWxpY2U6cHc="), "base64_encode");
}

static void test_urls(void)
{
    CLEANUP_FREE char *a = url_origin("https://Registry.example.com/v2/x/blobs/y");
    CLEANUP_FREE char *b = url_origin("https://registry.example.com:443/other");
    CLEANUP_FREE char *c = url_origin("http://registry.example.com/v2/");
    CLEANUP_FREE char *d = url_origin("https://registry.example.com:5000/v2/");
    ok(eq(a, b), "the default port and the host's case do not change the origin");
    ok(!eq(a, c), "another scheme is another origin");
    ok(!eq(a, d), "another port is another origin");
    CLEANUP_FREE char *hp = url_hostport("http://127.0.0.1:5000/token?x=1");
    ok(eq(hp, "127.0.0.1:5000"), "url_hostport");
}

static void test_retry_policy(void)
{
    ok(http_status_retryable(500) && http_status_retryable(503) && http_status_retryable(429),
       "5xx and 429 are retried");
    ok(!http_status_retryable(501) && !http_status_retryable(404) && !http_status_retryable(401),
       "501, 404 and 401 are not");
    ok(http_curl_retryable(CURLE_RECV_ERROR) && http_curl_retryable(CURLE_PARTIAL_FILE) &&
           http_curl_retryable(CURLE_OPERATION_TIMEDOUT),
       "resets, truncation and timeouts are retried");
    ok(!http_curl_retryable(CURLE_PEER_FAILED_VERIFICATION), "a certificate failure is not");
    ok(http_backoff_ms(1) == 100 && http_backoff_ms(2) == 200 && http_backoff_ms(20) == 3000,
       "backoff doubles from 100 ms up to 3 s");
}

int main(void)
{
    char dir[] = "/tmp/imagetool-registry-unit-XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    test_challenges();
    test_creds(dir);
    test_urls();
    test_retry_policy();
    rm_rf(dir, NULL);
    return tap_done();
}
