/* uids and gids the runtime accepts: 0..2^31-1. (uid_t)-1 is "leave
 * unchanged" to setresuid(2) and chown(2), so 4294967295 would keep the
 * process root; the kernel's own maps use the same bound in practice. */
#ifndef RUNTIME_IDS_H
#define RUNTIME_IDS_H

#include <stdint.h>

#include "common/error.h"

#define ID_MAX 2147483647u

/* -1 with an exit-3 error "WHAT: N is outside 0..2147483647". */
static inline int id_check(uint64_t id, const char *what, struct error **err)
{
    if (id <= ID_MAX)
        return 0;
    return error_setc(err, EXIT_INVALID, 0, "%s: %llu is outside 0..%u", what, (unsigned long long)id, ID_MAX);
}

#endif
