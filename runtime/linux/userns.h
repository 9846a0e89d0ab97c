/* User namespace id maps, written by the parent into /proc/PID/{uid,gid}_map
 * of the freshly cloned init (the child cannot map ids it does not own). */
#ifndef RUNTIME_USERNS_H
#define RUNTIME_USERNS_H

#include <sys/types.h>

#include "common/error.h"
#include "common/spec.h"

/* Check linux.uidMappings/gidMappings against the namespaces: mappings need
 * a new user namespace and a new user namespace needs mappings. */
int userns_validate(const struct spec *s, bool new_userns, struct error **err);
int userns_write_maps(pid_t pid, const struct spec_linux *l, struct error **err);

#endif
