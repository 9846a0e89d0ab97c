/* The container's own session keyring, as runc makes it: the init (and
 * each exec'd process) joins the keyring "_ses.<id>" instead of keeping the
 * caller's session keyring, unless --no-new-keyring. */
#ifndef RUNTIME_KEYRING_H
#define RUNTIME_KEYRING_H

#include <stdbool.h>

#include "common/error.h"

/* The init: join (make) "_ses.<id>" and let its owner (outside a user
 * namespace) or everyone (in one) search it. A kernel without keyrings is
 * no error. */
int keyring_new_session(const char *id, bool in_userns, struct error **err);
/* exec: join the container's "_ses.<id>" (its permissions are the init's). */
int keyring_join_session(const char *id, struct error **err);

#endif
