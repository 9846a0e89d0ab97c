/* dir:DIR: the containers/image directory format (manifest.json, blobs
 * named by their hex digest). Docker schema1 manifests are refused. */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "imagetool/sources/copy.h"
#include "imagetool/sources/import.h"

static int read_in_dir(int dirfd, const char *dir, const char *name, char **buf, size_t *len, struct error **err)
{
    CLEANUP_FREE char *what = xasprintf("dir:%s: %s", dir, name);
    CLEANUP_CLOSE int fd = open_source_file(dirfd, name, EXIT_INVALID, what, err);
    if (fd < 0)
        return -1;
    return read_all_fd(fd, buf, len, err);
}

static int ensure_blob(struct store *s, int dirfd, const char *dir, const struct descriptor *d, struct error **err)
{
    if (store_has_blob(s, d->digest))
        return 0;
    CLEANUP_FREE char *what = xasprintf("dir:%s: blob %s", dir, d->digest);
    CLEANUP_CLOSE int fd = open_source_file(dirfd, digest_hex(d->digest), EXIT_NOTFOUND, what, err);
    if (fd < 0)
        return -1;
    return copy_fd_to_store(s, fd, d, err);
}

/* manifest.json, or for a list the platform's manifest beside it. */
static int load_manifest(int dirfd, const char *dir, const struct platform *p, char **json, size_t *len,
                         struct error **err)
{
    if (read_in_dir(dirfd, dir, "manifest.json", json, len, err) < 0)
        return -1;
    if (!image_json_is_index(*json, *len))
        return 0;
    struct descriptor d = { 0 };
    if (index_select(*json, *len, p, &d, err) < 0)
        return -1;
    free(*json);
    *json = NULL;
    int r = read_in_dir(dirfd, dir, digest_hex(d.digest), json, len, err);
    if (r == 0)
        r = verify_blob(&d, *json, *len, err);
    descriptor_clear(&d);
    return r;
}

static int dir_import(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                      struct error **err)
{
    CLEANUP_CLOSE int dirfd = open(rest, O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirfd < 0)
        return error_set(err, errno, "dir:%s: open", rest);
    CLEANUP_FREE char *json = NULL;
    size_t len = 0;
    struct manifest m = { 0 };
    if (load_manifest(dirfd, rest, &o->platform, &json, &len, err) < 0 || manifest_parse(json, len, &m, err) < 0)
        return error_prefix(err, "dir:%s: manifest.json", rest);
    int r = ensure_blob(s, dirfd, rest, &m.config, err);
    for (size_t i = 0; r == 0 && !o->config_only && i < m.n_layers; i++)
        r = ensure_blob(s, dirfd, rest, &m.layers[i], err);
    char digest[DIGEST_STR_LEN + 1];
    if (r == 0)
        r = store_put_blob(s, json, len, NULL, digest, err);
    CLEANUP_FREE char *source = source_string("dir", rest, NULL);
    if (r == 0)
        r = import_tag(s, o, source, digest, m.media_type, len, out, err);
    manifest_clear(&m);
    return r;
}

const struct source source_dir = { .transport = "dir", .import = dir_import };
