/* uids and gids the runtime accepts for a process: 0..2^31-1. (uid_t)-1
 * is "leave unchanged" to setresuid(2) and chown(2), so 4294967295 would
 * keep the process root. An id map may cover every other id: 0..2^32-2,
 * as the initial user namespace's own "0 0 4294967295" does. */
#ifndef RUNTIME_IDS_H
#define RUNTIME_IDS_H

#include <stdint.h>

#include "common/error.h"

#define ID_MAX 2147483647u
#define MAP_ID_MAX 4294967294u

/* -1 with an exit-3 error "WHAT: N is outside 0..MAX". */
static inline int id_check_max(uint64_t id, uint64_t max, const char *what, struct error **err)
{
    if (id <= max)
        return 0;
    return error_setc(err, EXIT_INVALID, 0, "%s: %llu is outside 0..%llu", what, (unsigned long long)id,
                      (unsigned long long)max);
}

static inline int id_check(uint64_t id, const char *what, struct error **err)
{
    return id_check_max(id, ID_MAX, what, err);
}

#endif
