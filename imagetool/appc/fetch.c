/* Discovery, download and signature check of one ACI. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/appc/discovery.h"
#include "imagetool/appc/fetch.h"
#include "imagetool/appc/verify.h"
#include "imagetool/image/image.h"

/* file:///path: a temp copy, so the caller can remove what it gets. */
static int copy_local(const char *url, char **path, struct error **err)
{
    const char *src = url + strlen("file://");
    CLEANUP_CLOSE int in = open(src, O_RDONLY | O_CLOEXEC);
    if (in < 0)
        return error_setc(err, errno == ENOENT ? EXIT_NOTFOUND : EXIT_FAIL, errno, "%s", url);
    const char *tmpdir = getenv("TMPDIR");
    char *tmpl = xasprintf("%s/imagetool-appc-XXXXXX", tmpdir && *tmpdir ? tmpdir : "/tmp");
    CLEANUP_CLOSE int out = mkstemp(tmpl);
    char buf[1 << 16];
    ssize_t n = 0;
    while (out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
        if (write_all(out, buf, (size_t)n) < 0)
            break;
    if (out < 0 || n != 0) {
        error_set(err, errno, "copy %s", url);
        if (out >= 0)
            unlink(tmpl);
        free(tmpl);
        return -1;
    }
    *path = tmpl;
    return 0;
}

static int get(struct appc_discovery *d, const char *url, char **path, struct error **err)
{
    if (strncmp(url, "file://", 7) == 0)
        return copy_local(url, path, err);
    if (strncmp(url, "https://", 8) != 0 && strncmp(url, "http://", 7) != 0)
        return error_setc(err, EXIT_USAGE, 0, "%s: only https://, http:// and file:// are supported", url);
    return appc_http_download(&d->http, url, path, err);
}

/* The first template (in page order) that renders and serves the ACI. */
static int meta_fetch(struct appc_discovery *d, const char *name, const struct appc_labels *l, char **file,
                      char **sig_url, char **pubkey, struct error **err)
{
    struct appc_endpoints ep;
    if (appc_meta_discover(&d->http, name, d->port, &ep, err) < 0)
        return -1;
    int r = error_setc(err, EXIT_NOTFOUND, 0, "%s: no ac-discovery template has a value for every placeholder", name);
    for (char **t = ep.templates; t && *t; t++) {
        CLEANUP_FREE char *url = appc_render(*t, name, l, "aci");
        if (!url)
            continue;
        error_cleanup(err);
        r = get(d, url, file, err);
        if (r == 0) {
            *sig_url = appc_render(*t, name, l, "aci.asc");
            break;
        }
        if ((*err)->exit_class != EXIT_NOTFOUND)
            break;
    }
    if (ep.pubkeys)
        *pubkey = xstrdup(ep.pubkeys[0]);
    appc_endpoints_clear(&ep);
    return r;
}

static int check_signature(struct appc_discovery *d, const char *name, const char *file, const char *sig_url,
                           struct error **err)
{
    if (!d->trust_keys) {
        if (!d->warned)
            log_warn("%s: the image is not verified (no --trust-keys DIR given)", name);
        d->warned = true;
        return 0;
    }
    CLEANUP_FREE char *sig = NULL;
    if (!sig_url || get(d, sig_url, &sig, err) < 0)
        return sig_url ? error_prefix(err, "%s: signature", name)
                       : error_setc(err, EXIT_INVALID, 0, "%s: no signature location", name);
    int r = appc_verify(d->trust_keys, name, file, sig, err);
    unlink(sig);
    return r;
}

/* The host --creds goes to for name: the simple prefix's, else the name's
 * own (meta discovery's), with --appc-port. */
static char *named_host(const struct appc_discovery *d, const char *name)
{
    if (d->simple_prefix)
        return strncmp(d->simple_prefix, "file://", 7) ? url_hostport(d->simple_prefix) : NULL;
    int host_len = (int)strcspn(name, "/");
    return d->port > 0 ? xasprintf("%.*s:%d", host_len, name, d->port) : xasprintf("%.*s", host_len, name);
}

int appc_discovery_fetch(void *ctx, const char *name, const struct appc_labels *want, char **file,
                         struct error **err)
{
    struct appc_discovery *d = ctx;
    free(d->http.creds_host);
    d->http.creds_host = named_host(d, name);
    struct appc_labels l = { 0 };
    for (size_t i = 0; i < want->n; i++)
        appc_label_set(&l, want->v[i].name, want->v[i].value);
    if (!appc_label_get(&l, "version"))
        appc_label_set(&l, "version", "latest");
    struct platform host = platform_host(); /* a dependency that names no os/arch: the host's */
    if (!appc_label_get(&l, "os"))
        appc_label_set(&l, "os", host.os);
    if (!appc_label_get(&l, "arch"))
        appc_label_set(&l, "arch", appc_arch_from_oci(host.architecture));
    CLEANUP_FREE char *sig_url = NULL, *pubkey = NULL;
    int r;
    if (d->simple_prefix) {
        CLEANUP_FREE char *url = appc_simple_url(d->simple_prefix, name, &l, "aci");
        sig_url = appc_simple_url(d->simple_prefix, name, &l, "aci.asc");
        r = url ? get(d, url, file, err) : error_setc(err, EXIT_INVALID, 0, "%s: cannot render a URL", name);
    } else {
        r = meta_fetch(d, name, &l, file, &sig_url, &pubkey, err);
    }
    appc_labels_clear(&l);
    if (r == 0 && check_signature(d, name, *file, sig_url, err) < 0) {
        if (pubkey)
            error_setc(err, (*err)->exit_class, 0, "%s; the discovery offers keys at %s (check them, then put them in %s)",
                       (*err)->msg, pubkey, d->trust_keys);
        unlink(*file);
        free(*file);
        *file = NULL;
        return -1;
    }
    return r;
}
