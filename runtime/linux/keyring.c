/* keyctl(2) without libkeyutils: join a named session keyring, then widen
 * its search permission as runc does. */
#include "runtime/linux/keyring.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <linux/keyctl.h>

#define KEY_USR_SEARCH 0x00080000u
#define KEY_OTH_SEARCH 0x00000008u

static int add_search_perm(long key, uint32_t bits, struct error **err)
{
    char desc[512];
    long n = syscall(SYS_keyctl, KEYCTL_DESCRIBE, key, desc, sizeof(desc) - 1);
    if (n < 0)
        return error_set(err, errno, "session keyring: describe");
    desc[n < (long)sizeof(desc) ? n : (long)sizeof(desc) - 1] = '\0';
    /* "type;uid;gid;perm;description", perm in hex */
    char *field = desc;
    for (int i = 0; i < 3 && field; i++)
        field = strchr(field, ';') ? strchr(field, ';') + 1 : NULL;
    if (field == NULL)
        return error_setc(err, EXIT_FAIL, 0, "session keyring: unexpected description '%s'", desc);
    uint32_t perm = (uint32_t)strtoul(field, NULL, 16);
    if (syscall(SYS_keyctl, KEYCTL_SETPERM, key, perm | bits) < 0)
        return error_set(err, errno, "session keyring: set permissions");
    return 0;
}

/* The key's serial, 0 without keyrings in the kernel, -1 on error. */
static long join(const char *id, struct error **err)
{
    char name[300];
    snprintf(name, sizeof(name), "_ses.%s", id);
    long key = syscall(SYS_keyctl, KEYCTL_JOIN_SESSION_KEYRING, name);
    if (key < 0)
        return errno == ENOSYS ? 0 : error_set(err, errno, "join session keyring %s", name);
    return key;
}

int keyring_new_session(const char *id, bool in_userns, struct error **err)
{
    long key = join(id, err);
    if (key <= 0)
        return (int)key;
    return add_search_perm(key, in_userns ? KEY_OTH_SEARCH : KEY_USR_SEARCH, err);
}

int keyring_join_session(const char *id, struct error **err)
{
    return join(id, err) < 0 ? -1 : 0;
}
