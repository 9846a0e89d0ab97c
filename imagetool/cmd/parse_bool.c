/* Boolean option values shared by imagetool's commands. */
#include <string.h>

#include "imagetool/cmd/cmd.h"

int cmd_parse_bool(const char *option, const char *text, bool *out, struct error **err)
{
    if (text == NULL || strcmp(text, "true") == 0)
        *out = true;
    else if (strcmp(text, "false") == 0)
        *out = false;
    else
        return cli_usage_error(err, "--%s: expected true or false, got '%s'", option, text);
    return 0;
}
