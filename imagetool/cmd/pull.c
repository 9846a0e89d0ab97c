/* imagetool pull SOURCE: import an image into the store. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "imagetool/cmd/cmd.h"
#include "imagetool/source.h"

static int pull(const struct cli_args *a, struct error **err)
{
    struct import_opts o = { .platform = platform_host(), .tls_verify = true };
    CLEANUP_FREE char *platform_storage = NULL;
    const char *platform = cli_get(a, "platform", NULL);
    if (platform && platform_parse(platform, &o.platform, &platform_storage, err) < 0)
        return -1;
    o.name = cli_get(a, "name", NULL);
    o.quiet = cli_has(a, "quiet");
    o.creds = cli_get(a, "creds", NULL);
    o.authfile = cli_get(a, "authfile", NULL);
    if (cli_has(a, "tls-verify") && cmd_parse_bool("tls-verify", cli_get(a, "tls-verify", NULL), &o.tls_verify, err) < 0)
        return -1;
    static const char *const appc_opts[] = { "appc-simple-prefix", "trust-keys", "appc-port" };
    for (size_t i = 0; i < 3; i++)
        if (cli_has(a, appc_opts[i]) && cmd_appc_option(appc_opts[i], cli_get(a, appc_opts[i], NULL), &o, err) < 0)
            return -1;
    CLEANUP_STORE struct store *s = NULL;
    struct imported im = { 0 };
    if (store_open(cmd_globals(a)->store_root, &s, err) < 0 || source_import(s, a->argv[0], &o, &im, err) < 0)
        return -1;
    if (o.quiet)
        printf("%s\n", im.manifest_digest);
    else
        printf("imported %s %s\n", im.name ? im.name : "<none>", im.manifest_digest);
    imported_clear(&im);
    return 0;
}

static const struct cli_option options[] = {
    { 0, "name", CLI_ARG, "NAME", "store the image under this name", "the source's name", 0 },
    { 0, "platform", CLI_ARG, "OS/ARCH[/VARIANT]", "pick from a multi-platform image", "this host", 0 },
    { 'q', "quiet", CLI_NOARG, NULL, "no progress; print only the manifest digest", NULL, 0 },
    { 0, "creds", CLI_ARG, "USER:PASS", "registry credentials (docker://; appc: discovery over https)", "none", 0 },
    { 0, "authfile", CLI_ARG, "FILE", "registry credentials file (auth.json / docker config.json)", "none", 0 },
    { 0, "tls-verify", CLI_OPTARG, "BOOL", "verify the registry's TLS certificate", "true", 0 },
    CMD_APPC_OPTIONS(0, 0, 0),
    { 0 },
};

const struct cli_command cmd_pull = {
    .name = "pull",
    .fn = pull,
    .flags = CLI_STORE_MAY_CREATE,
    .summary = "import an image into the store",
    .synopsis = "SOURCE",
    .description = "SOURCE: docker://HOST/REPO[:TAG|@DIGEST], docker-archive:FILE[:REPO:TAG|:@N],\n"
                   "oci:DIR[:TAG], oci-archive:FILE[:TAG], dir:DIR, aci:FILE or\n"
                   "appc:NAME[:VERSION][,LABEL=VALUE...].\n",
    .options = options,
    .min_args = 1,
    .max_args = 1,
};
