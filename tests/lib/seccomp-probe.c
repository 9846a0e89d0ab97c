/* Prints how three syscalls fare: keyctl (refused by Docker's profile, no
 * capability needed), unshare of a UTS namespace (needs CAP_SYS_ADMIN and
 * the profile's consent) and personality(READ_IMPLIES_EXEC). */
#define _GNU_SOURCE
#include <errno.h>
#include <sched.h>
#include <stdio.h>
#include <string.h>
#include <sys/personality.h>
#include <sys/syscall.h>
#include <unistd.h>

static void report(const char *name, long rc)
{
    printf("%s=%s\n", name, rc < 0 ? strerrorname_np(errno) : "ok");
}

int main(void)
{
    report("keyctl", syscall(SYS_keyctl, 0 /* KEYCTL_GET_KEYRING_ID */, -3 /* session */, 0));
    report("unshare", unshare(CLONE_NEWUTS));
    report("personality", personality(READ_IMPLIES_EXEC));
    return 0;
}
