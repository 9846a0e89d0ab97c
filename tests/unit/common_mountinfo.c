/* The mountinfo parser: fields, octal escapes, optional fields, malformed
 * lines, and the kernel's own escaping of a mount point with a space, a
 * tab, a newline and a backslash (in a child's private mount namespace). */
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/mountinfo.h"
#include "common/xalloc.h"
#include "tap.h"

static bool parse(const char *text, struct mountinfo_entry *e, char **buf)
{
    free(*buf);
    *buf = xstrdup(text);
    return mountinfo_parse_line(*buf, e);
}

static void test_fields(void)
{
    CLEANUP_FREE char *buf = NULL;
    struct mountinfo_entry e;
    ok(parse("36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 - ext3 /dev/root rw,errors=continue", &e, &buf),
       "the kernel documentation's example parses");
    ok(e.mount_id == 36 && e.parent_id == 35 && e.major == 98 && e.minor == 0, "ids and major:minor");
    is_str(e.root, "/mnt1", "root");
    is_str(e.mount_point, "/mnt2", "mount point");
    is_str(e.options, "rw,noatime", "mount options");
    is_str(e.optional, "master:1", "optional fields");
    is_str(e.fstype, "ext3", "fs type");
    is_str(e.source, "/dev/root", "source");
    is_str(e.super_options, "rw,errors=continue", "super options");

    ok(parse("1 0 0:5 / / rw - tmpfs none rw", &e, &buf) && strcmp(e.optional, "") == 0 &&
           strcmp(e.fstype, "tmpfs") == 0,
       "no optional fields: empty");
    ok(parse("2 1 0:6 / /a rw shared:4 master:2 propagate_from:2 unbindable - tmpfs tmpfs rw", &e, &buf),
       "four optional fields parse");
    is_str(e.optional, "shared:4 master:2 propagate_from:2 unbindable", "optional fields joined with spaces");
    ok(mountinfo_has_tag(&e, "shared") && mountinfo_has_tag(&e, "master") && mountinfo_has_tag(&e, "unbindable") &&
           !mountinfo_has_tag(&e, "share") && !mountinfo_has_tag(&e, "propagate"),
       "has_tag matches whole tags");
    ok(parse("3 1 0:7 / /b rw - tmpfs  rw", &e, &buf) && strcmp(e.source, "") == 0 &&
           strcmp(e.super_options, "rw") == 0,
       "an empty source");
}

static void test_escapes(void)
{
    CLEANUP_FREE char *buf = NULL;
    struct mountinfo_entry e;
    ok(parse("40 1 0:40 /sub\\040dir /tmp/my\\040bundle/rootfs rw - overlay my\\011src "
             "rw,lowerdir=/s\\040t/l1:/s\\040t/l2,upperdir=/x\\134y",
             &e, &buf),
       "a line with escapes parses");
    is_str(e.root, "/sub dir", "\\040 in root");
    is_str(e.mount_point, "/tmp/my bundle/rootfs", "\\040 in the mount point");
    is_str(e.source, "my\tsrc", "\\011 in the source");
    is_str(e.super_options, "rw,lowerdir=/s t/l1:/s t/l2,upperdir=/x\\y", "\\040 and \\134 in super options");
    char s[] = "a\\012b\\134c\\075d\\0 \\9999\\";
    mountinfo_unescape(s);
    is_str(s, "a\nb\\c=d\\0 \\9999\\", "\\012, \\134, any \\ooo; short or non-octal sequences stay");
    char big[] = "\\400";
    mountinfo_unescape(big);
    is_str(big, "\\400", "\\400 (above a byte) stays");
}

static void test_malformed(void)
{
    CLEANUP_FREE char *buf = NULL;
    struct mountinfo_entry e;
    static const char *bad[] = {
        "",
        "36 35 98:0 /mnt1 /mnt2 rw,noatime master:1 ext3 /dev/root rw",
        "x 35 98:0 / / rw - ext3 /dev/root rw",
        "36 35 98 / / rw - ext3 /dev/root rw",
        "36 35 98:0 / / rw - ext3 /dev/root",
        "36 35 98:0 / / rw - ext3 /dev/root rw extra",
        "36 35 98:0 / /",
        " 35 98:0 / / rw - ext3 /dev/root rw",
    };
    for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ok(!parse(bad[i], &e, &buf), "malformed refused: '%s'", bad[i]);
}

static void test_file(const char *dir)
{
    CLEANUP_FREE char *path = path_join(dir, "mi");
    const char text[] = "1 0 8:1 / / rw - ext4 /dev/sda1 rw\n2 1 0:5 / /a\\040b rw - tmpfs t rw\nbroken line\n";
    CLEANUP_ERROR struct error *err = NULL;
    ok(write_file_atomic(path, text, sizeof(text) - 1, 0600, &err) == 0, "write a mountinfo file");
    CLEANUP_MOUNTINFO struct mountinfo *mi = NULL;
    const struct mountinfo_entry *e = NULL;
    ok(mountinfo_open(path, &mi, &err) == 0, "open it");
    ok(mountinfo_next(mi, &e, &err) == 1 && strcmp(e->mount_point, "/") == 0, "first entry");
    ok(mountinfo_next(mi, &e, &err) == 1 && strcmp(e->mount_point, "/a b") == 0, "second entry, decoded");
    ok(mountinfo_covers(e, "/a b") && mountinfo_covers(e, "/a b/c") && !mountinfo_covers(e, "/a bc") &&
           !mountinfo_covers(e, "/a"),
       "covers: the mount point and below only");
    ok(mountinfo_next(mi, &e, &err) == -1 && err && strstr(err->msg, "line 3 is not in the mountinfo format"),
       "a malformed line is an error naming it: %s", err ? err->msg : "(none)");
    error_free(err);
    err = NULL;
    struct mountinfo *none = NULL;
    ok(mountinfo_open("/nonexistent/mountinfo", &none, &err) == -1 && err && err->errnum == ENOENT,
       "a missing file is an error");
}

/* In a child with its own mount namespace: mount a tmpfs at a path with a
 * space, a tab, a newline and a backslash, then find it in
 * /proc/self/mountinfo. Exit 0 when found, decoded. */
static int find_own_mount(const char *dir)
{
    CLEANUP_FREE char *point = path_join(dir, "a b\tc\nd\\e");
    if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_PRIVATE | MS_REC, NULL) < 0)
        return 2;
    if (mkdir(point, 0700) < 0 || mount("tmp fs", point, "tmpfs", 0, "size=1m") < 0)
        return 3;
    CLEANUP_MOUNTINFO struct mountinfo *mi = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    if (mountinfo_open(NULL, &mi, &err) < 0)
        return 4;
    const struct mountinfo_entry *e;
    int rc;
    while ((rc = mountinfo_next(mi, &e, &err)) == 1)
        if (strcmp(e->mount_point, point) == 0)
            return strcmp(e->source, "tmp fs") == 0 && strcmp(e->fstype, "tmpfs") == 0 ? 0 : 5;
    return rc < 0 ? 6 : 7;
}

static void test_kernel(const char *dir)
{
    if (geteuid() != 0) {
        ok(1, "# SKIP not root: no mount namespace");
        return;
    }
    pid_t pid = fork();
    if (pid == 0)
        _exit(find_own_mount(dir));
    int status = 0;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0,
       "the kernel's escaping of a tmpfs at 'a b<TAB>c<NL>d\\e' decodes back (child exit %d)",
       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
}

int main(void)
{
    char dir[] = "/tmp/common_mountinfo.XXXXXX";
    if (mkdtemp(dir) == NULL)
        return 1;
    test_fields();
    test_escapes();
    test_malformed();
    test_file(dir);
    test_kernel(dir);
    CLEANUP_ERROR struct error *err = NULL;
    rm_rf(dir, &err);
    return tap_done();
}
