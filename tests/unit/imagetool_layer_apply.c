/* layer_apply's contract as the unpack code sees it: a layer written with
 * libarchive into a memfd (gzip'd pax), applied to a temporary dir; the
 * diff_id check, its error class and message, and both whiteout modes. */
#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/digest.h"
#include "common/fs.h"
#include "imagetool/layer/layer.h"
#include "tests/unit/tap.h"

static void add(struct archive *a, const char *name, mode_t type, const char *data)
{
    struct archive_entry *e = archive_entry_new();
    archive_entry_set_pathname(e, name);
    archive_entry_set_filetype(e, type);
    archive_entry_set_perm(e, type == AE_IFDIR ? 0755 : 0644);
    archive_entry_set_size(e, data ? (la_int64_t)strlen(data) : 0);
    archive_entry_set_mtime(e, 1600000000, 0);
    archive_write_header(a, e);
    if (data)
        archive_write_data(a, data, strlen(data));
    archive_entry_free(e);
}

/* A gzip'd layer in a memfd; its diff_id (sha256 of the plain tar) in diff. */
static int make_layer(const char *const *spec, char diff[DIGEST_STR_LEN + 1])
{
    int fds[2];
    for (int gz = 0; gz < 2; gz++) {
        fds[gz] = memfd_create("layer", MFD_CLOEXEC);
        struct archive *a = archive_write_new();
        archive_write_set_format_pax_restricted(a);
        if (gz)
            archive_write_add_filter_gzip(a);
        archive_write_open_fd(a, fds[gz]);
        for (const char *const *s = spec; *s; s += 2)
            add(a, *s, s[1] ? AE_IFREG : AE_IFDIR, s[1] && *s[1] ? s[1] : NULL);
        archive_write_close(a);
        archive_write_free(a);
        lseek(fds[gz], 0, SEEK_SET);
    }
    sha256_fd(fds[0], diff, NULL);
    close(fds[0]);
    return fds[1];
}

static int apply(const char *const *spec, const char *dir, const char *diff_override, enum whiteout_mode mode,
                 struct error **err)
{
    char diff[DIGEST_STR_LEN + 1];
    CLEANUP_CLOSE int blob = make_layer(spec, diff);
    mkdir(dir, 0755);
    CLEANUP_CLOSE int target = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    return layer_apply(blob, target, diff_override ? diff_override : diff, mode, err);
}

int main(void)
{
    char tmpl[] = "/tmp/layer-unit-XXXXXX";
    if (mkdtemp(tmpl) == NULL)
        return 1;
    CLEANUP_FREE char *d1 = path_join(tmpl, "one"), *d2 = path_join(tmpl, "two");
    CLEANUP_FREE char *d3 = path_join(tmpl, "three");
    const char *const lower[] = { "etc/", NULL, "etc/os-release", "ID=test\n", "gone", "x\n", NULL };
    const char *const upper[] = { ".wh.gone", "", "etc/.wh..wh..opq", "", "etc/new", "n\n", NULL };
    struct error *err = NULL;

    ok(apply(lower, d1, NULL, WHITEOUT_APPLY, &err) == 0, "a layer with the right diff_id applies");
    CLEANUP_FREE char *osr = path_join(d1, "etc/os-release");
    ok(path_exists(osr), "its files are there");

    ok(apply(upper, d1, NULL, WHITEOUT_APPLY, &err) == 0, "a layer with whiteouts applies");
    CLEANUP_FREE char *gone = path_join(d1, "gone"), *new = path_join(d1, "etc/new");
    ok(!path_exists(gone) && !path_exists(osr) && path_exists(new), "whiteouts and the opaque dir took effect");

    const char *wrong = "sha256:0000000000000000000000000000000000000000000000000000000000000000";
    ok(apply(lower, d2, wrong, WHITEOUT_APPLY, &err) < 0, "a wrong diff_id fails");
    ok(err && err->exit_class == EXIT_INVALID, "as invalid input (exit class 3)");
    ok(err && strncmp(err->msg, "diff_id mismatch: expected sha256:0000", 38) == 0 && strstr(err->msg, ", got sha256:"),
       "naming both digests: %s", err ? err->msg : "");
    error_free(err);
    err = NULL;

    ok(apply(lower, d2, "md5:abc", WHITEOUT_APPLY, &err) < 0 && err && err->exit_class == EXIT_INVALID,
       "a malformed diff_id is invalid input");
    error_free(err);
    err = NULL;

    ok(apply(upper, d3, NULL, WHITEOUT_OVERLAY, &err) == 0, "overlay mode applies");
    CLEANUP_FREE char *wh = path_join(d3, "gone");
    struct stat st;
    ok(lstat(wh, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(0, 0), "a whiteout is a 0:0 char device");

    rm_rf(tmpl, NULL);
    return tap_done();
}
