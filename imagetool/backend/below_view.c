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
#include "imagetool/backend/overlay_context.h"
#include "imagetool/backend/overlay_child.h"

/* m: the images' detached mounts (lower's /proc/self/fd paths), or none
 * for layer dirs; a kernel without "lowerdir+" or that refuses detached
 * layers gets the view from a child (overlay_child.h) */
static int overlay_of(char **lower, const struct layer_mounts *m, struct error **err)
{
    const char *what = "overlay of the layers below";
    struct overlay_params p = { .lower = lower };
    CLEANUP_ERROR struct error *first = NULL;
    if (m->n == 0 || !overlay_child_needed()) {
        CLEANUP_CLOSE int fsfd = overlay_context(&p, what, NULL, &first);
        if (fsfd >= 0) {
            int mfd = fsmount(fsfd, FSMOUNT_CLOEXEC, MOUNT_ATTR_RDONLY);
            return mfd < 0 ? error_set(err, errno, "fsmount %s", what) : mfd;
        }
        if (first == NULL)
            return error_set(err, errno, "fsopen overlay (the layers below)");
        if (first->errnum != EINVAL) /* else an older kernel: a child's mount(2) */
            return error_move(err, &first);
    }
    int mfd = overlay_child_attached(&p, m->fd, m->n, what, first ? NULL : err);
    return mfd < 0 && first ? error_move(err, &first) : mfd;
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
        v->root = geteuid() == 0 ? overlay_of(lower, &v->mounts, err) : overlay_child_user_view(lower, err);
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
