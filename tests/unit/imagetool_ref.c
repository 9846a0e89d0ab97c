/* Docker reference normalisation: the docker CLI's rules, case by case. */
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "imagetool/ref.h"
#include "tests/unit/tap.h"

static const char *or_null(const char *s)
{
    return s ? s : "(null)";
}

/* text -> full normalised string, API host and store name. */
static void expect_ref(const char *text, const char *full, const char *api_host, const char *store_name)
{
    struct docker_ref r;
    CLEANUP_ERROR struct error *err = NULL;
    if (docker_ref_parse(text, &r, &err) < 0) {
        ok(0, "%s parses (got: %s)", text, err->msg);
        return;
    }
    CLEANUP_FREE char *s = docker_ref_string(&r);
    CLEANUP_FREE char *name = docker_ref_store_name(&r);
    ok(!strcmp(s, full), "%s -> %s (got %s)", text, full, s);
    ok(!strcmp(docker_ref_api_host(&r), api_host), "%s: API host %s (got %s)", text, api_host,
       docker_ref_api_host(&r));
    ok(!strcmp(name, store_name), "%s: store name %s (got %s)", text, store_name, name);
    docker_ref_clear(&r);
}

/* text is refused with EXIT_INVALID and a message containing needle. */
static void expect_bad(const char *text, const char *needle)
{
    struct docker_ref r;
    CLEANUP_ERROR struct error *err = NULL;
    int rc = docker_ref_parse(text, &r, &err);
    ok(rc < 0 && err->exit_class == EXIT_INVALID && strstr(err->msg, needle) != NULL,
       "'%s' refused with '%s' (got: %s)", text, needle, rc < 0 ? err->msg : "accepted");
    if (rc == 0)
        docker_ref_clear(&r);
}

#define D "sha256:4b2f9b6fbb3f3a1f6fe2a6b8b4b5c1d3e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b1"

static void test_parts(void)
{
    struct docker_ref r;
    CLEANUP_ERROR struct error *err = NULL;
    int rc = docker_ref_parse("localhost:5000/a/b:v1@" D, &r, &err);
    ok(rc == 0, "host:port/path:tag@digest parses");
    if (rc < 0)
        return;
    ok(!strcmp(r.domain, "localhost:5000"), "domain keeps the port");
    ok(!strcmp(r.path, "a/b"), "path");
    ok(!strcmp(or_null(r.tag), "v1"), "tag");
    ok(!strcmp(or_null(r.digest), D), "digest");
    docker_ref_clear(&r);
}

static void test_loopback(void)
{
    ok(docker_host_is_loopback("localhost"), "localhost is loopback");
    ok(docker_host_is_loopback("localhost:5000"), "localhost:5000 is loopback");
    ok(docker_host_is_loopback("127.0.0.1:41234"), "127.0.0.1:port is loopback");
    ok(docker_host_is_loopback("127.3.2.1"), "127.3.2.1 is loopback");
    ok(docker_host_is_loopback("[::1]:5000"), "[::1]:5000 is loopback");
    ok(!docker_host_is_loopback("127.example.com"), "127.example.com is not loopback");
    ok(!docker_host_is_loopback("registry-1.docker.io"), "docker hub is not loopback");
    ok(!docker_host_is_loopback("localhost.example.com"), "localhost.example.com is not loopback");
}

int main(void)
{
    expect_ref("busybox", "docker.io/library/busybox:latest", "registry-1.docker.io",
               "docker.io/library/busybox:latest");
    expect_ref("busybox:1.36", "docker.io/library/busybox:1.36", "registry-1.docker.io",
               "docker.io/library/busybox:1.36");
    expect_ref("library/busybox", "docker.io/library/busybox:latest", "registry-1.docker.io",
               "docker.io/library/busybox:latest");
    expect_ref("docker.io/busybox", "docker.io/library/busybox:latest", "registry-1.docker.io",
               "docker.io/library/busybox:latest");
    expect_ref("index.docker.io/library/busybox", "docker.io/library/busybox:latest", "registry-1.docker.io",
               "docker.io/library/busybox:latest");
    expect_ref("user/app", "docker.io/user/app:latest", "registry-1.docker.io", "docker.io/user/app:latest");
    expect_ref("quay.io/coreos/etcd:v3.5.0", "quay.io/coreos/etcd:v3.5.0", "quay.io", "quay.io/coreos/etcd:v3.5.0");
    expect_ref("localhost/app", "localhost/app:latest", "localhost", "localhost/app:latest");
    expect_ref("localhost:5000/app", "localhost:5000/app:latest", "localhost:5000", "localhost:5000/app:latest");
    expect_ref("127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000/a/b/c:t", "127.0.0.1:5000", "127.0.0.1:5000/a/b/c:t");
    expect_ref("[::1]:5000/app", "[::1]:5000/app:latest", "[::1]:5000", "[::1]:5000/app:latest");
    expect_ref("busybox@" D, "docker.io/library/busybox@" D, "registry-1.docker.io", "docker.io/library/busybox@" D);
    expect_ref("busybox:1.36@" D, "docker.io/library/busybox:1.36@" D, "registry-1.docker.io",
               "docker.io/library/busybox:1.36");
    expect_ref("my-registry.example.com:443/team/a__b.c-d:v1.0_rc-1", "my-registry.example.com:443/team/a__b.c-d:v1.0_rc-1",
               "my-registry.example.com:443", "my-registry.example.com:443/team/a__b.c-d:v1.0_rc-1");
    expect_ref("a---b", "docker.io/library/a---b:latest", "registry-1.docker.io", "docker.io/library/a---b:latest");
    test_parts();
    test_loopback();

    expect_bad("", "empty");
    expect_bad("Busybox", "lowercase");
    expect_bad("docker.io/Library/busybox", "lowercase");
    expect_bad("busybox:", "bad tag");
    expect_bad("busybox:-x", "bad tag");
    expect_bad("busybox:a/b", "bad registry host");
    expect_bad("busybox@sha256:abc", "bad sha256 digest");
    expect_bad("busybox@md5:0123456789abcdef0123456789abcdef", "unsupported digest algorithm");
    expect_bad("busybox@", "bad digest");
    expect_bad("a..b", "bad repository name component");
    expect_bad("a/_b", "bad repository name component");
    expect_bad("a//b", "bad repository name component");
    expect_bad("host:port/a", "bad registry host");
    expect_bad("-host.com/a", "bad registry host");
    expect_bad(":tag", "no repository name");
    expect_bad("0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef", "64-digit hex");
    char longname[300];
    memset(longname, 'a', sizeof(longname) - 1);
    longname[sizeof(longname) - 1] = '\0';
    expect_bad(longname, "longer than 255");
    return tap_done();
}
