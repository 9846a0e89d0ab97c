/* Placeholder until the registry work lands. */
#include "imagetool/source.h"

static int registry_import(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                           struct error **err)
{
    (void)s, (void)o, (void)out;
    return error_setc(err, EXIT_FAIL, 0, "docker:%s: registry pulls are not implemented yet", rest);
}

const struct source source_docker_registry = { "docker", registry_import };
