/* JSON output shared by runtime's commands (state, list, features). */
#include <stdio.h>

#include "common/json.h"
#include "runtime/cmd/cmd.h"

yajl_gen cmd_json_gen(void)
{
    yajl_gen g = json_gen_new(true);
    yajl_gen_config(g, yajl_gen_indent_string, "  ");
    return g;
}

void cmd_json_print(yajl_gen g)
{
    size_t len;
    const char *text = jg_text(g, &len);
    fwrite(text, 1, len, stdout);
    if (len == 0 || text[len - 1] != '\n')
        putchar('\n');
}
