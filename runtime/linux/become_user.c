#include "runtime/linux/become_user.h"

#include <errno.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runtime/linux/process.h"

int process_become_user(const struct spec_process *p, const struct security_plan *sec, struct error **err)
{
    if (process_set_rlimits(p, err) < 0)
        return -1;
    if (security_drop_bounding(sec, err) < 0)
        return error_prefix(err, "capabilities");
    /* chdir while privileged (a cwd only root may enter), and again after
     * the user switch if that was refused, as runc does */
    bool in_cwd = chdir(p->cwd) == 0;
    if (!in_cwd && errno != EACCES && errno != EPERM)
        return error_set(err, errno, "process.cwd: chdir %s", p->cwd);
    if (process_switch_user(&p->user, err) < 0)
        return -1;
    if (security_apply_caps(sec, err) < 0)
        return error_prefix(err, "capabilities");
    if (!in_cwd && chdir(p->cwd) < 0)
        return error_set(err, errno, "process.cwd: chdir %s", p->cwd);
    umask(p->user.has_umask ? p->user.umask : 0022);
    return 0;
}
