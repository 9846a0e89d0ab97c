/* Layers a walk made under tmp/ become durable and get their names
 * together: one syncfs of the store's file system for all of them (a layer
 * directory holds thousands of files; fsync of each would cost more), then
 * the renames, then one fsync of each cache directory. Until then each is
 * complete under its temp name, which the layers above read it by. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/store/store_private.h"

void store_made_add(struct store_made *made, const char *tmp, const char *final, const char *dir)
{
    strv_append(&made->tmp, tmp);
    strv_append(&made->final, final);
    if (!strv_contains(made->dirs, dir))
        strv_append(&made->dirs, dir);
}

static void remove_tmp(const char *tmp)
{
    struct stat st;
    if (lstat(tmp, &st) == 0 && S_ISDIR(st.st_mode))
        rm_rf(tmp, NULL);
    else
        unlink(tmp);
}

void store_made_abort(struct store_made *made)
{
    for (size_t i = 0; made->tmp && made->tmp[i]; i++)
        remove_tmp(made->tmp[i]);
    store_made_clear(made);
}

void store_made_clear(struct store_made *made)
{
    strv_free(made->tmp);
    strv_free(made->final);
    strv_free(made->dirs);
    *made = (struct store_made){ 0 };
}

/* Another process may have named the same layer first: a directory then
 * cannot replace it (EEXIST, ENOTEMPTY) and ours goes; a file replaces it
 * with identical content. */
static int name_one(const char *tmp, const char *final, struct error **err)
{
    if (rename(tmp, final) == 0)
        return 0;
    int e = errno;
    struct stat st;
    if ((e == EEXIST || e == ENOTEMPTY) && stat(final, &st) == 0 && S_ISDIR(st.st_mode)) {
        rm_rf(tmp, NULL);
        return 0;
    }
    return error_set(err, e, "rename %s to %s", tmp, final);
}

static void rename_in(char **paths, const char *from, const char *to)
{
    for (size_t i = 0; paths && paths[i]; i++)
        if (strcmp(paths[i], from) == 0) {
            free(paths[i]);
            paths[i] = xstrdup(to);
        }
}

int store_made_commit(struct store *s, struct store_made *made, char **paths, struct error **err)
{
    if (!made->tmp)
        return 0;
    CLEANUP_CLOSE int root = open(s->root, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (root < 0 || syncfs(root) < 0) {
        error_set(err, errno, "sync store %s", s->root);
        store_made_abort(made);
        return -1;
    }
    for (size_t i = 0; made->tmp[i]; i++) {
        if (name_one(made->tmp[i], made->final[i], err) < 0) {
            store_made_abort(made); /* the ones named already stay: complete */
            return -1;
        }
        rename_in(paths, made->tmp[i], made->final[i]);
    }
    for (size_t i = 0; made->dirs[i]; i++)
        store_sync_dir(s, made->dirs[i]);
    store_made_clear(made);
    return 0;
}
