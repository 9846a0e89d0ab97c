/* Placeholder: the runtime core replaces this with runc's command line. */
#include <stdio.h>

int main(void)
{
    fputs("runtime: not built yet\n", stderr);
    return 1;
}
