#include "imagetool/registry/tls.h"

#include <dirent.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"

#define SYSTEM_CA_DIR "/etc/ssl/certs"

static bool has_suffix(const char *s, const char *suffix)
{
    size_t ls = strlen(s), lx = strlen(suffix);
    return ls >= lx && !strcmp(s + ls - lx, suffix);
}

/* ca.crt first, else the first *.crt; a *.cert with its *.key. */
static void scan_host_dir(const char *dir, struct tls_config *out)
{
    CLEANUP_CLOSEDIR DIR *d = opendir(dir);
    if (d == NULL)
        return;
    CLEANUP_FREE char *ca = path_join(dir, "ca.crt");
    if (path_exists(ca))
        out->ca_file = TAKE_PTR(ca);
    struct dirent *e;
    while ((e = readdir(d)) != NULL) {
        if (out->ca_file == NULL && has_suffix(e->d_name, ".crt"))
            out->ca_file = path_join(dir, e->d_name);
        if (out->client_cert == NULL && has_suffix(e->d_name, ".cert")) {
            CLEANUP_FREE char *base = strndup(e->d_name, strlen(e->d_name) - 5);
            CLEANUP_FREE char *keyname = xasprintf("%s.key", base);
            CLEANUP_FREE char *key = path_join(dir, keyname);
            if (path_exists(key)) {
                out->client_cert = path_join(dir, e->d_name);
                out->client_key = TAKE_PTR(key);
            }
        }
    }
}

void tls_config_for_host(const char *hostport, bool verify, struct tls_config *out)
{
    memset(out, 0, sizeof(*out));
    out->verify = verify;
    const char *env = getenv("IMAGETOOL_CERTS_DIRS");
    CLEANUP_FREE char *dirs = xstrdup(env && *env ? env : TLS_CERTS_DIRS_DEFAULT);
    char *save = NULL;
    for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save)) {
        CLEANUP_FREE char *host_dir = path_join(d, hostport);
        scan_host_dir(host_dir, out);
        if (out->ca_file || out->client_cert)
            return;
    }
}

void tls_config_clear(struct tls_config *t)
{
    free(t->ca_file);
    free(t->client_cert);
    free(t->client_key);
    memset(t, 0, sizeof(*t));
}

void tls_apply(CURL *easy, const struct tls_config *t)
{
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYPEER, t->verify ? 1L : 0L);
    curl_easy_setopt(easy, CURLOPT_SSL_VERIFYHOST, t->verify ? 2L : 0L);
    if (t->ca_file) {
        /* CAINFO alone would replace the system store; the hashed system
         * directory keeps public CAs trusted as well. */
        curl_easy_setopt(easy, CURLOPT_CAINFO, t->ca_file);
        curl_easy_setopt(easy, CURLOPT_CAPATH, SYSTEM_CA_DIR);
    }
    if (t->client_cert) {
        curl_easy_setopt(easy, CURLOPT_SSLCERT, t->client_cert);
        curl_easy_setopt(easy, CURLOPT_SSLKEY, t->client_key);
    }
}
