/* A read-only view of the layers below: one layer is its dir (or its
 * image's mount) alone; several are a detached overlay with only lower
 * layers, so whiteouts and opaque dirs below take effect. Nothing is
 * attached anywhere: closing the fds releases the mounts and (autoclear)
 * their loop devices. */
#include "imagetool/backend/below_view.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <sys/mount.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/userns_overlay.h"

static int overlay_of(char **lower, struct error **err)
{
    CLEANUP_CLOSE int fsfd = fsopen("overlay", FSOPEN_CLOEXEC);
    if (fsfd < 0)
        return error_set(err, errno, "fsopen overlay (the layers below)");
    for (char **l = lower; *l; l++)
        if (fsconfig(fsfd, FSCONFIG_SET_STRING, "lowerdir+", *l, 0) < 0)
            return error_set(err, errno, "overlay of the layers below: lowerdir %s", *l);
    if (fsconfig(fsfd, FSCONFIG_CMD_CREATE, NULL, NULL, 0) < 0)
        return error_set(err, errno, "overlay of the layers below");
    int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
    if (mfd < 0)
        return error_set(err, errno, "fsmount overlay of the layers below");
    return mfd;
}

/* The lower list as overlayfs takes it: dirs, or the images' mounts. */
static int lower_paths(struct below_view *v, char ***out, struct error **err)
{
    size_t n = strv_len(v->lower);
    if (!v->images) {
        for (size_t i = n; i-- > 0;)
            strv_append(out, v->lower[i]);
        return 0;
    }
    CLEANUP_STRV char **top_first = NULL; /* as overlayfs takes them */
    for (size_t i = n; i-- > 0;)
        strv_append(&top_first, v->lower[i]);
    return layer_mounts_open(top_first, &v->mounts, out, err);
}

static int view_root(struct layer_below *b, struct error **err)
{
    struct below_view *v = (struct below_view *)b;
    if (v->root >= 0)
        return v->root;
    CLEANUP_STRV char **lower = NULL;
    if (lower_paths(v, &lower, err) < 0)
        return -1;
    if (strv_len(lower) == 1)
        v->root = open(lower[0], O_PATH | O_DIRECTORY | O_CLOEXEC);
    else /* a user's layer cache: the user's own namespaces, user.overlay.* */
        v->root = geteuid() == 0 ? overlay_of(lower, err) : userns_overlay_view(lower, err);
    if (v->root < 0 && strv_len(lower) == 1)
        return error_set(err, errno, "open %s", lower[0]);
    return v->root;
}

struct layer_below *below_view_init(struct below_view *v, char *const *lower, bool images)
{
    *v = (struct below_view){ .base = { .root = view_root }, .lower = lower, .images = images, .root = -1 };
    return lower && lower[0] ? &v->base : NULL;
}

void below_view_clear(struct below_view *v)
{
    if (v->root >= 0)
        close(v->root);
    layer_mounts_clear(&v->mounts);
    v->root = -1;
}
