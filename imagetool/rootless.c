/* imagetool as an ordinary user: store location and backend choice. */
#include "imagetool/rootless.h"

#include <pwd.h>
#include <stdlib.h>
#include <unistd.h>

#include "common/fs.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/backend/overlay_child.h"
#include "imagetool/store/store.h"

bool rootless_mode(void)
{
    return geteuid() != 0;
}

static const char *home_dir(void)
{
    const char *home = getenv("HOME");
    if (home && *home == '/')
        return home;
    struct passwd *pw = getpwuid(geteuid());
    return pw && pw->pw_dir ? pw->pw_dir : "/";
}

const char *rootless_store_default(void)
{
    static char *root;
    if (!rootless_mode())
        return STORE_DEFAULT_ROOT;
    if (root)
        return root;
    const char *data = getenv("XDG_DATA_HOME");
    if (data && *data == '/')
        root = path_join(data, "imagetool");
    else
        root = xasprintf("%s/.local/share/imagetool", home_dir());
    return root;
}

/* A user's mounts live in namespaces of its own: overlay, mounted by the
 * runtime in the container's, is the one mounting backend left. */
const struct backend *rootless_backend(const struct backend *wanted)
{
    if (!rootless_mode())
        return wanted ? wanted : backend_default();
    if (wanted == &backend_copy)
        return &backend_copy;
    if (!overlay_child_user_available()) {
        log_info("%s backend: not root, and this kernel does not let a user mount overlay in a user namespace; "
                 "using copy", wanted ? wanted->name : "default");
        return &backend_copy;
    }
    if (wanted && wanted != &backend_overlay && wanted != &backend_overlay_user)
        log_info("%s backend: not root (loop devices are root's): using overlay, mounted by the runtime", wanted->name);
    return &backend_overlay_user;
}
