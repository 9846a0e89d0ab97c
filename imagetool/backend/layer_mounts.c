#include "imagetool/backend/layer_mounts.h"

#include <stdlib.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/backend/layer_image.h"

int layer_mounts_open(char **images, struct layer_mounts *lm, char ***lower, struct error **err)
{
    size_t n = strv_len(images);
    lm->fd = xcalloc(n, sizeof(int));
    for (size_t i = 0; i < n; i++) {
        int fd = layer_image_mount(images[i], err);
        if (fd < 0) {
            layer_mounts_clear(lm);
            return -1;
        }
        lm->fd[lm->n++] = fd;
        CLEANUP_FREE char *path = xasprintf("/proc/self/fd/%d", fd);
        strv_append(lower, path);
    }
    return 0;
}

void layer_mounts_clear(struct layer_mounts *lm)
{
    for (size_t i = 0; i < lm->n; i++)
        close(lm->fd[i]);
    free(lm->fd);
    *lm = (struct layer_mounts){ 0 };
}
