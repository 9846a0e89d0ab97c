/* The Appc options pull and unpack share: --appc-simple-prefix,
 * --trust-keys, --appc-port. */
#include <stdlib.h>
#include <string.h>

#include "imagetool/cmd/cmd.h"
#include "imagetool/source.h"

int cmd_appc_option(const char *option, const char *value, struct import_opts *o, struct error **err)
{
    if (strcmp(option, "appc-simple-prefix") == 0) {
        if (strncmp(value, "http://", 7) && strncmp(value, "https://", 8) && strncmp(value, "file://", 7))
            return error_setc(err, EXIT_USAGE, 0, "--appc-simple-prefix: \"%s\" is not an http://, https:// or file:// URI",
                              value);
        o->appc_simple_prefix = value;
    } else if (strcmp(option, "trust-keys") == 0) {
        o->trust_keys = value;
    } else if (strcmp(option, "appc-port") == 0) {
        char *end;
        long port = strtol(value, &end, 10);
        if (*value == '\0' || *end || port < 1 || port > 65535)
            return error_setc(err, EXIT_USAGE, 0, "--appc-port: \"%s\" is not a port number", value);
        o->appc_port = (int)port;
    }
    return 0;
}
