/* imagetool unpack [flags] SOURCE BUNDLE [ARGS...]: import SOURCE into the
 * store, lay out BUNDLE/rootfs with a backend and write BUNDLE/config.json.
 * A failure leaves no bundle, mount or half-written file behind. */
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/backend.h"
#include "imagetool/backend/bundle.h"
#include "imagetool/backend/layer_pipeline.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/config/config.h"
#include "imagetool/config/config_appc.h"
#include "imagetool/progress_unpack.h"
#include "imagetool/rootless.h"
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
    strv_free(r->cfg.volumes);
    privilege_opts_clear(&r->cfg.privileges);
}

enum {
    OPT_BACKEND = 256, OPT_PLATFORM, OPT_ENTRYPOINT, OPT_HOSTNAME, OPT_READ_ONLY, OPT_NET, OPT_CPUS, OPT_PIDS,
    OPT_CAP_ADD, OPT_CAP_DROP, OPT_SECCOMP, OPT_PRIVILEGED, OPT_CREDS, OPT_AUTHFILE, OPT_TLS_VERIFY,
    OPT_APPC_PREFIX, OPT_TRUST_KEYS, OPT_APPC_PORT, OPT_VOLUME,
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

/* One option, in command-line order. */
static int parse_option(const struct cli_value *v, struct unpack_request *r, struct error **err)
{
    struct config_opts *o = &r->cfg;
    struct resource_flags *res = &o->resources;
    const char *value = v->value;
    switch (v->opt->id) {
    case OPT_BACKEND: return backend_find(value, &r->backend, err);
    case OPT_PLATFORM:
        free(r->platform_storage);
        return platform_parse(value, &r->platform, &r->platform_storage, err);
    case OPT_ENTRYPOINT:
        strv_free(o->entrypoint);
        o->has_entrypoint = true;
        return parse_entrypoint(value, &o->entrypoint, err);
    case 'e': strv_append(&o->env, value); return 0;
    case 'u': o->user = value; return 0;
    case OPT_HOSTNAME: o->hostname = value; return check_hostname(value, err);
    case OPT_READ_ONLY: o->defaults.read_only = true; return 0;
    case OPT_NET: return parse_net(value, &o->defaults.host_network, err);
    case OPT_CPUS: res->has_cpus = true; return parse_cpus(value, &res->cpus, err);
    case 'm': res->has_memory = true; return parse_memory_size(value, &res->memory, err);
    case OPT_PIDS: res->has_pids = true; return parse_pids_limit(value, &res->pids, err);
    case 'q': r->quiet = true; return 0;
    case OPT_CAP_ADD: strv_append(&o->privileges.cap_add, value); return 0;
    case OPT_CAP_DROP: strv_append(&o->privileges.cap_drop, value); return 0;
    case OPT_SECCOMP: o->privileges.seccomp = value; return 0;
    case OPT_PRIVILEGED: o->privileges.privileged = true; return 0;
    case OPT_CREDS: r->import.creds = value; return 0;
    case OPT_AUTHFILE: r->import.authfile = value; return 0;
    case OPT_TLS_VERIFY: return cmd_parse_bool("tls-verify", value, &r->import.tls_verify, err);
    case OPT_APPC_PREFIX:
    case OPT_TRUST_KEYS:
    case OPT_APPC_PORT: return cmd_appc_option(v->opt->long_name, value, &r->import, err);
    case OPT_VOLUME: strv_append(&o->volumes, value); return appc_volume_parse(value, NULL, NULL, NULL, err);
    }
    return 0;
}

static int parse_request(const struct cli_args *a, struct unpack_request *r, struct error **err)
{
    r->platform = platform_host();
    r->import.tls_verify = true;
    r->cfg.defaults.cgroup_ns = host_is_cgroup2();
    for (size_t i = 0; i < a->n_opts; i++)
        if (parse_option(&a->opts[i], r, err) < 0)
            return -1;
    r->backend = rootless_backend(r->backend);
    r->source = a->argv[0];
    r->bundle = a->argv[1];
    for (int i = 2; i < a->argc; i++)
        strv_append(&r->cfg.args, a->argv[i]);
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
        CLEANUP_ERROR struct error *store_err = NULL;
        if (store_resolve(s, r->source, &img, &store_err) < 0) {
            /* a bare digest names a stored image, never a transport */
            *err = digest_is_valid(r->source) ? TAKE_PTR(store_err) : TAKE_PTR(lookup_err);
            return -1;
        }
        *digest = TAKE_PTR(img.digest);
        store_image_clear(&img);
        return 0;
    }
    struct import_opts io = r->import;
    io.platform = r->platform;
    io.quiet = r->quiet;
    /* a pull's layers convert while later ones download; a local source's
     * while later blobs are verified, unless the live progress is to show
     * them one at a time (it follows the backend's reads after the import) */
    struct layer_pipeline *lp =
        src->remote || !unpack_progress_wanted(r->quiet) ? layer_pipeline_new(s, r->backend) : NULL;
    io.watch = layer_pipeline_watch(lp);
    struct imported imp = { 0 };
    int rc = source_import(s, r->source, &io, &imp, err);
    layer_pipeline_end(lp);
    if (rc < 0)
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
    CLEANUP_CLOSE int rootfd = r->backend->open_view ? r->backend->open_view(r->bundle, err)
                                                     : open(rootfs, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (rootfd < 0)
        return r->backend->open_view ? -1 : error_set(err, errno, "open %s", rootfs);
    CLEANUP_FREE char *hostname = r->cfg.hostname ? NULL : default_hostname(digest);
    struct config_opts o = r->cfg;
    if (hostname)
        o.hostname = hostname;
    CLEANUP_SPEC struct spec *spec = NULL;
    if (config_build(ic, rootfd, &o, &spec, err) < 0)
        return -1;
    if (rootless_mode())
        rootless_config(spec, o.defaults.host_network);
    if (r->backend->add_to_config && r->backend->add_to_config(r->bundle, spec, err) < 0)
        return -1;
    CLEANUP_FREE char *path = path_join(r->bundle, "config.json");
    return spec_write_file(spec, path, false, err);
}

/* Everything after the image is in the store; the bundle dir exists. */
static int fill_bundle(struct store *s, const struct unpack_request *r, const char *digest, struct error **err)
{
    struct manifest m = { 0 };
    struct image_config ic = { 0 };
    int ret = image_load(s, digest, &r->platform, &m, &ic, err);
    if (ret == 0)
        ret = platform_check_image(&r->platform, &ic, err);
    if (ret == 0)
        ret = bundle_record_write(r->bundle, r->backend->name, digest, err);
    if (ret == 0) {
        struct unpack_progress *progress = unpack_progress_start(s, &m, r->quiet, -1);
        ret = r->backend->create(s, &m, &ic, r->bundle, err);
        unpack_progress_end(progress, ret == 0);
    }
    if (ret == 0)
        ret = write_config(r, &ic, digest, err);
    if (ret == 0)
        ret = bundle_sync(r->bundle, err);
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

static int unpack_cmd(const struct cli_args *a, struct error **err)
{
    struct unpack_request r = { 0 };
    int res = parse_request(a, &r, err);
    if (res == 0)
        res = unpack(&r, cmd_globals(a), err);
    request_clear(&r);
    return res < 0 ? -1 : 0;
}

static const struct cli_option options[] = {
    { 0, "backend", CLI_ARG, "copy|overlay|squashfs|erofs",
      "a private rootfs copy, an overlay of cached layer dirs, or of mounted layer images",
      "the fastest this host supports: erofs, squashfs, overlay, copy", OPT_BACKEND },
    { 0, "platform", CLI_ARG, "OS/ARCH[/VARIANT]", "pick from a multi-platform image", "this host", OPT_PLATFORM },
    { 0, "entrypoint", CLI_ARG, "CMD", "replace the Entrypoint (a string or a JSON array); clears Cmd", "the image's",
      OPT_ENTRYPOINT },
    { 'e', "env", CLI_ARG, "K=V", "set a variable (repeatable; K alone copies ours)", "the image's Env", 'e' },
    { 'u', "user", CLI_ARG, "USER[:GROUP]", "run as this user (name or uid) of the image", "the image's User", 'u' },
    { 0, "hostname", CLI_ARG, "NAME", "the container's hostname", "the digest's first 12 hex digits", OPT_HOSTNAME },
    { 0, "read-only", CLI_NOARG, NULL, "mount the rootfs read-only", NULL, OPT_READ_ONLY },
    { 0, "net", CLI_ARG, "none|host", "a new network namespace, or the host's", "none", OPT_NET },
    { 0, "cpus", CLI_ARG, "N", "cpu shares 1024*N and a CFS quota of N CPUs", "no limit", OPT_CPUS },
    { 'm', "memory", CLI_ARG, "SIZE", "memory limit (k, m, g suffixes)", "no limit", 'm' },
    { 0, "pids-limit", CLI_ARG, "N", "maximum number of processes", "no limit", OPT_PIDS },
    { 0, "cap-add", CLI_ARG, "CAP", "add a capability to the default set (ALL for all; repeatable)", "none", OPT_CAP_ADD },
    { 0, "cap-drop", CLI_ARG, "CAP", "drop a capability from the default set (ALL for all; repeatable)", "none",
      OPT_CAP_DROP },
    { 0, "seccomp", CLI_ARG, "unconfined|FILE", "no seccomp filter, or this profile", "the default profile",
      OPT_SECCOMP },
    { 0, "privileged", CLI_NOARG, NULL, "every capability, no seccomp, no masked paths, all devices", NULL,
      OPT_PRIVILEGED },
    { 0, "creds", CLI_ARG, "USER:PASS", "registry credentials (docker://; appc: discovery over https)", "none", OPT_CREDS },
    { 0, "authfile", CLI_ARG, "FILE", "registry credentials file (auth.json / docker config.json)", "none",
      OPT_AUTHFILE },
    { 0, "tls-verify", CLI_OPTARG, "BOOL", "verify the registry's TLS certificate", "true", OPT_TLS_VERIFY },
    CMD_APPC_OPTIONS(OPT_APPC_PREFIX, OPT_TRUST_KEYS, OPT_APPC_PORT),
    { 0, "volume", CLI_ARG, "NAME=HOSTPATH[:ro]", "bind HOSTPATH at the Appc mount point NAME (repeatable)", "none",
      OPT_VOLUME },
    { 'q', "quiet", CLI_NOARG, NULL, "no progress output", NULL, 'q' },
    { 0 },
};

const struct cli_command cmd_unpack = {
    .name = "unpack",
    .fn = unpack_cmd,
    .flags = CLI_STORE_MAY_CREATE,
    .summary = "make an OCI runtime bundle from an image",
    .synopsis = "SOURCE BUNDLE [COMMAND [ARG...]]",
    .description = "BUNDLE gets config.json and rootfs/. SOURCE is a transport reference\n"
                   "(oci:DIR[:TAG], docker-archive:FILE[:REF], ...) or an image already in the\n"
                   "store (name or digest). COMMAND replaces the image's Cmd; options end at\n"
                   "COMMAND (or at --).\n",
    .options = options,
    .min_args = 2,
    .max_args = -1,
    .options_stop_after = 2,
};
