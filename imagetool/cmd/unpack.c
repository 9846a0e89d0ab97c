/* imagetool unpack [flags] SOURCE BUNDLE [ARGS...]: import SOURCE into the
 * store, lay out BUNDLE/rootfs with a backend and write BUNDLE/config.json.
 * A failure leaves no bundle, mount or half-written file behind. */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/backend.h"
#include "imagetool/backend/bundle.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/config.h"
#include "imagetool/source.h"

#define HOSTNAME_MAX 64

struct unpack_request {
    const char *source, *bundle;
    const struct backend *backend;
    struct platform platform;
    char *platform_storage;
    bool quiet;
    struct config_opts cfg;
    struct import_opts import;
};

static void request_clear(struct unpack_request *r)
{
    free(r->platform_storage);
    strv_free(r->cfg.entrypoint);
    strv_free(r->cfg.env);
    strv_free(r->cfg.args);
    privilege_opts_clear(&r->cfg.privileges);
}

static void unpack_usage(FILE *out)
{
    fprintf(out,
            "usage: imagetool [--store DIR] unpack [OPTIONS] SOURCE BUNDLE [COMMAND [ARG...]]\n\n"
            "Make an OCI runtime bundle (BUNDLE/config.json, BUNDLE/rootfs) from an image.\n"
            "SOURCE is a transport reference (oci:DIR[:TAG], docker-archive:FILE[:REF], ...)\n"
            "or an image already in the store (name or digest). COMMAND replaces the image's Cmd.\n\n"
            "  --backend copy|overlay  private rootfs copy (default) or overlay of cached layers\n"
            "  --platform OS/ARCH[/VARIANT]  pick from a multi-platform image (default: this host)\n"
            "  --entrypoint CMD        replace the Entrypoint (a string or a JSON array); clears Cmd\n"
            "  -e, --env K=V           set a variable (repeatable; K alone copies ours)\n"
            "  -u, --user USER[:GROUP] run as this user (name or uid) of the image\n"
            "  --hostname NAME         the container's hostname\n"
            "  --read-only             mount the rootfs read-only\n"
            "  --net none|host         new network namespace (default) or the host's\n"
            "  --cpus N                cpu shares 1024*N and a CFS quota of N CPUs\n"
            "  -m, --memory SIZE       memory limit (k, m, g suffixes)\n"
            "  --pids-limit N          maximum number of processes\n"
            "  --cap-add CAP, --cap-drop CAP  change the default capability set (ALL for all)\n"
            "  --seccomp unconfined|FILE  no seccomp filter, or this profile instead of the default\n"
            "  --privileged            every capability, no seccomp, no masked paths, all devices\n"
            "  --creds USER:PASS       registry credentials (docker:// sources)\n"
            "  --authfile FILE         registry credentials file (auth.json / docker config.json)\n"
            "  --tls-verify=false      do not verify the registry's TLS certificate\n"
            "  -q, --quiet             no progress output\n");
}

enum {
    OPT_BACKEND = 256, OPT_PLATFORM, OPT_ENTRYPOINT, OPT_HOSTNAME, OPT_READ_ONLY, OPT_NET, OPT_CPUS, OPT_PIDS,
    OPT_CAP_ADD, OPT_CAP_DROP, OPT_SECCOMP, OPT_PRIVILEGED, OPT_CREDS, OPT_AUTHFILE, OPT_TLS_VERIFY,
};

static const struct option unpack_options[] = {
    { "backend", required_argument, NULL, OPT_BACKEND },
    { "platform", required_argument, NULL, OPT_PLATFORM },
    { "entrypoint", required_argument, NULL, OPT_ENTRYPOINT },
    { "env", required_argument, NULL, 'e' },
    { "user", required_argument, NULL, 'u' },
    { "hostname", required_argument, NULL, OPT_HOSTNAME },
    { "read-only", no_argument, NULL, OPT_READ_ONLY },
    { "net", required_argument, NULL, OPT_NET },
    { "cpus", required_argument, NULL, OPT_CPUS },
    { "memory", required_argument, NULL, 'm' },
    { "pids-limit", required_argument, NULL, OPT_PIDS },
    { "cap-add", required_argument, NULL, OPT_CAP_ADD },
    { "cap-drop", required_argument, NULL, OPT_CAP_DROP },
    { "seccomp", required_argument, NULL, OPT_SECCOMP },
    { "privileged", no_argument, NULL, OPT_PRIVILEGED },
    { "creds", required_argument, NULL, OPT_CREDS },
    { "authfile", required_argument, NULL, OPT_AUTHFILE },
    { "tls-verify", optional_argument, NULL, OPT_TLS_VERIFY },
    { "quiet", no_argument, NULL, 'q' },
    { "help", no_argument, NULL, 'h' },
    { 0 },
};

static int check_hostname(const char *name, struct error **err)
{
    size_t len = strlen(name);
    if (len == 0 || len > HOSTNAME_MAX || strspn(name, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                                                       "0123456789.-") != len)
        return error_setc(err, EXIT_USAGE, 0, "--hostname: \"%s\" is not a valid host name", name);
    return 0;
}

static int parse_net(const char *text, bool *host, struct error **err)
{
    if (strcmp(text, "host") != 0 && strcmp(text, "none") != 0)
        return error_setc(err, EXIT_USAGE, 0, "--net: \"%s\" is not none or host", text);
    *host = strcmp(text, "host") == 0;
    return 0;
}

static int parse_tls_verify(const char *text, bool *verify, struct error **err)
{
    if (text == NULL || strcmp(text, "true") == 0)
        *verify = true;
    else if (strcmp(text, "false") == 0)
        *verify = false;
    else
        return error_setc(err, EXIT_USAGE, 0, "--tls-verify: \"%s\" is not true or false", text);
    return 0;
}

/* One option; 1 = --help was asked. */
static int parse_option(int c, const char *argv_at_error, struct unpack_request *r, struct error **err)
{
    struct config_opts *o = &r->cfg;
    struct resource_flags *res = &o->resources;
    switch (c) {
    case OPT_BACKEND: return backend_find(optarg, &r->backend, err);
    case OPT_PLATFORM:
        free(r->platform_storage);
        return platform_parse(optarg, &r->platform, &r->platform_storage, err);
    case OPT_ENTRYPOINT:
        strv_free(o->entrypoint);
        o->has_entrypoint = true;
        return parse_entrypoint(optarg, &o->entrypoint, err);
    case 'e': strv_append(&o->env, optarg); return 0;
    case 'u': o->user = optarg; return 0;
    case OPT_HOSTNAME: o->hostname = optarg; return check_hostname(optarg, err);
    case OPT_READ_ONLY: o->defaults.read_only = true; return 0;
    case OPT_NET: return parse_net(optarg, &o->defaults.host_network, err);
    case OPT_CPUS: res->has_cpus = true; return parse_cpus(optarg, &res->cpus, err);
    case 'm': res->has_memory = true; return parse_memory_size(optarg, &res->memory, err);
    case OPT_PIDS: res->has_pids = true; return parse_pids_limit(optarg, &res->pids, err);
    case 'q': r->quiet = true; return 0;
    case 'h': unpack_usage(stdout); return 1;
    case OPT_CAP_ADD: strv_append(&o->privileges.cap_add, optarg); return 0;
    case OPT_CAP_DROP: strv_append(&o->privileges.cap_drop, optarg); return 0;
    case OPT_SECCOMP: o->privileges.seccomp = optarg; return 0;
    case OPT_PRIVILEGED: o->privileges.privileged = true; return 0;
    case OPT_CREDS: r->import.creds = optarg; return 0;
    case OPT_AUTHFILE: r->import.authfile = optarg; return 0;
    case OPT_TLS_VERIFY: return parse_tls_verify(optarg, &r->import.tls_verify, err);
    default:
        return error_setc(err, EXIT_USAGE, 0, "unpack: unknown option or missing value: %s (see imagetool unpack --help)",
                          argv_at_error);
    }
}

static int parse_request(int argc, char **argv, struct unpack_request *r, struct error **err)
{
    r->platform = platform_host();
    r->backend = &backend_copy;
    r->import.tls_verify = true;
    r->cfg.defaults.cgroup_ns = host_is_cgroup2();
    int c, res;
    opterr = 0; /* our own message, one line */
    while ((c = getopt_long(argc, argv, "+e:u:m:qh", unpack_options, NULL)) != -1)
        if ((res = parse_option(c, argv[optind - 1], r, err)) != 0)
            return res;
    if (argc - optind < 2)
        return error_setc(err, EXIT_USAGE, 0, "unpack: need SOURCE and BUNDLE (see imagetool unpack --help)");
    r->source = argv[optind];
    r->bundle = argv[optind + 1];
    for (int i = optind + 2; i < argc; i++)
        strv_append(&r->cfg.args, argv[i]);
    return 0;
}

/* SOURCE through its transport, or a name or digest already in the store. */
static int resolve_source(struct store *s, const struct unpack_request *r, char **digest, struct error **err)
{
    const struct source *src;
    const char *rest;
    CLEANUP_ERROR struct error *lookup_err = NULL;
    if (source_lookup(r->source, &src, &rest, &lookup_err) < 0) {
        struct store_image img = { 0 };
        if (store_resolve(s, r->source, &img, NULL) < 0) {
            *err = TAKE_PTR(lookup_err);
            return -1;
        }
        *digest = TAKE_PTR(img.digest);
        store_image_clear(&img);
        return 0;
    }
    struct import_opts io = r->import;
    io.platform = r->platform;
    io.quiet = r->quiet;
    struct imported imp = { 0 };
    if (source_import(s, r->source, &io, &imp, err) < 0)
        return -1;
    *digest = xstrdup(imp.manifest_digest);
    imported_clear(&imp);
    return 0;
}

static char *default_hostname(const char *digest)
{
    const char *hex = strchr(digest, ':');
    return xasprintf("%.12s", hex ? hex + 1 : digest);
}

static int write_config(const struct unpack_request *r, const struct image_config *ic, const char *digest,
                        struct error **err)
{
    CLEANUP_FREE char *rootfs = path_join(r->bundle, BUNDLE_ROOTFS);
    CLEANUP_CLOSE int rootfd = open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return error_set(err, errno, "open %s", rootfs);
    CLEANUP_FREE char *hostname = r->cfg.hostname ? NULL : default_hostname(digest);
    struct config_opts o = r->cfg;
    if (hostname)
        o.hostname = hostname;
    CLEANUP_SPEC struct spec *spec = NULL;
    if (config_build(ic, rootfd, &o, &spec, err) < 0)
        return -1;
    CLEANUP_FREE char *path = path_join(r->bundle, "config.json");
    return spec_write_file(spec, path, err);
}

/* Everything after the image is in the store; the bundle dir exists. */
static int fill_bundle(struct store *s, const struct unpack_request *r, const char *digest, struct error **err)
{
    struct manifest m = { 0 };
    struct image_config ic = { 0 };
    int ret = image_load(s, digest, &r->platform, &m, &ic, err);
    if (ret == 0)
        ret = bundle_record_write(r->bundle, r->backend->name, digest, err);
    if (ret == 0)
        ret = r->backend->create(s, &m, &ic, r->bundle, err);
    if (ret == 0)
        ret = write_config(r, &ic, digest, err);
    manifest_clear(&m);
    image_config_clear(&ic);
    return ret;
}

static const int stop_signals[] = { SIGINT, SIGTERM, SIGHUP };

/* A stop signal arrived while blocked (and is not ignored, as SIGINT is for
 * background jobs of a script). */
static bool stop_pending(void)
{
    sigset_t pending;
    sigpending(&pending);
    for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++) {
        struct sigaction sa;
        if (sigismember(&pending, stop_signals[i]) && sigaction(stop_signals[i], NULL, &sa) == 0 &&
            sa.sa_handler != SIG_IGN)
            return true;
    }
    return false;
}

static int unpack(const struct unpack_request *r, const struct global_opts *g, struct error **err)
{
    CLEANUP_STORE struct store *s = NULL;
    CLEANUP_FREE char *digest = NULL;
    if (store_open(g->store_root, &s, err) < 0 || resolve_source(s, r, &digest, err) < 0)
        return -1;
    bool created;
    if (bundle_prepare(r->bundle, &created, err) < 0)
        return -1;
    /* Hold off ^C and kill while the bundle is half made; an interrupted
     * unpack cleans up, then dies of the signal when it is unblocked. */
    sigset_t stop, old;
    sigemptyset(&stop);
    for (size_t i = 0; i < sizeof(stop_signals) / sizeof(stop_signals[0]); i++)
        sigaddset(&stop, stop_signals[i]);
    sigprocmask(SIG_BLOCK, &stop, &old);
    int ret = fill_bundle(s, r, digest, err);
    bool interrupted = stop_pending();
    if (ret < 0 || interrupted)
        bundle_discard(r->bundle, created, r->backend);
    sigprocmask(SIG_SETMASK, &old, NULL);
    if (ret < 0)
        return -1;
    if (interrupted)
        return error_setc(err, EXIT_FAIL, 0, "unpack interrupted; %s removed", r->bundle);
    if (!r->quiet)
        log_info("unpacked %s into %s (%s backend)", digest, r->bundle, r->backend->name);
    return 0;
}

int cmd_unpack(int argc, char **argv, const struct global_opts *g, struct error **err)
{
    struct unpack_request r = { 0 };
    int res = parse_request(argc, argv, &r, err);
    if (res == 0)
        res = unpack(&r, g, err);
    request_clear(&r);
    return res < 0 ? -1 : 0;
}
