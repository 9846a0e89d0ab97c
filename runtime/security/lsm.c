#include "lsm.h"

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"

static bool is_dir(const char *path)
{
    struct stat st;
    return stat(path, &st) == 0 && S_ISDIR(st.st_mode);
}

static bool apparmor_enabled(void)
{
    char buf[4] = "";
    CLEANUP_FCLOSE FILE *f = fopen("/sys/module/apparmor/parameters/enabled", "re");
    if (f == NULL || fgets(buf, sizeof(buf), f) == NULL)
        return false;
    return buf[0] == 'Y' && is_dir("/sys/kernel/security/apparmor");
}

static bool selinux_enabled(void)
{
    return is_dir("/sys/fs/selinux") && access("/sys/fs/selinux/enforce", F_OK) == 0;
}

int lsm_validate(const struct spec_process *p, struct error **err)
{
    if (p == NULL)
        return 0;
    if (p->apparmor_profile && p->apparmor_profile[0] && !apparmor_enabled())
        return error_setc(err, EXIT_INVALID, 0,
                          "process.apparmorProfile: \"%s\" requested but AppArmor is not enabled on this host "
                          "(no /sys/kernel/security/apparmor)", p->apparmor_profile);
    if (p->selinux_label && p->selinux_label[0] && !selinux_enabled())
        return error_setc(err, EXIT_INVALID, 0,
                          "process.selinuxLabel: \"%s\" requested but SELinux is not enabled on this host "
                          "(no /sys/fs/selinux)", p->selinux_label);
    return 0;
}

static int write_attr(const char *modern, const char *legacy, const char *value, struct error **err)
{
    const char *path = modern;
    int fd = open(path, O_WRONLY | O_CLOEXEC);
    if (fd < 0 && legacy) {
        path = legacy;
        fd = open(path, O_WRONLY | O_CLOEXEC);
    }
    if (fd < 0)
        return error_set(err, errno, "open %s", path);
    int rc = write_all(fd, value, strlen(value));
    int saved = errno;
    close(fd);
    if (rc < 0)
        return error_set(err, saved, "write \"%s\" to %s", value, path);
    return 0;
}

int lsm_apply(const char *apparmor_profile, const char *selinux_label, struct error **err)
{
    if (apparmor_profile && apparmor_profile[0]) {
        CLEANUP_FREE char *cmd = xasprintf("exec %s", apparmor_profile);
        if (write_attr("/proc/thread-self/attr/apparmor/exec", "/proc/thread-self/attr/exec", cmd, err) < 0)
            return error_prefix(err, "process.apparmorProfile");
    }
    if (selinux_label && selinux_label[0]) {
        if (write_attr("/proc/thread-self/attr/exec", NULL, selinux_label, err) < 0)
            return error_prefix(err, "process.selinuxLabel");
    }
    return 0;
}
