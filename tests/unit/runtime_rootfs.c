/* rootfs: mount option parsing, and rootfs_setup + sysctl_apply +
 * rootfs_finish run for real in a child with its own mount, ipc and uts
 * namespaces on runc's default config, checked from inside. Needs root. */
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/statvfs.h>
#include <linux/magic.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/xalloc.h"
#include "runtime/linux/mounts.h"
#include "runtime/linux/rootfs.h"
#include "runtime/linux/sysctl.h"
#include "tap.h"

static char tmp[] = "/tmp/runtime_rootfs.XXXXXX";

static void test_options(void)
{
    char *opts[] = {"nosuid", "ro", "rbind", "rslave", "size=64k", "rw", "ro", "mode=755", "private", NULL};
    struct mount_flags f;
    CLEANUP_ERROR struct error *err = NULL;
    ok(mount_flags_parse(opts, &f, &err) == 0, "parse options");
    ok(f.flags == (MS_NOSUID | MS_RDONLY | MS_BIND | MS_REC), "flags: nosuid ro bind rec (rw then ro)");
    ok(f.n_propagation == 2 && f.propagation[0] == (MS_SLAVE | MS_REC) && f.propagation[1] == MS_PRIVATE,
       "propagation kept in order");
    is_str(f.data, "size=64k,mode=755", "unknown options become data");
    mount_flags_release(&f);
    char *ropts[] = {"rro", "rnosuid", "rnoatime", "rrw", NULL};
    ok(mount_flags_parse(ropts, &f, &err) == 0 && f.flags == 0 && f.data == NULL &&
           f.attr_set == (MOUNT_ATTR_NOSUID | MOUNT_ATTR_NOATIME) &&
           f.attr_clr == (MOUNT_ATTR_RDONLY | MOUNT_ATTR__ATIME),
       "recursive attributes: rro then rrw clears, rnoatime replaces the atime mode");
    mount_flags_release(&f);
    ok(mount_propagation_flag("runbindable") == (MS_UNBINDABLE | MS_REC) && mount_propagation_flag("ro") == 0,
       "propagation names");
}

/* The child reports "1 text" or "0 text" lines through this fd. */
static int report_fd = -1;
static void report(int pass, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    CLEANUP_FREE char *msg = NULL;
    if (vasprintf(&msg, fmt, ap) < 0)
        abort();
    va_end(ap);
    dprintf(report_fd, "%d %s\n", pass, msg);
}

static void check_inside(void)
{
    struct stat st;
    report(stat("/dev/null", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3) &&
               (st.st_mode & 0777) == 0666, "/dev/null is 1:3 mode 0666");
    report(stat("/dev/fuse", &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(10, 229) &&
               st.st_uid == 7 && (st.st_mode & 0777) == 0640, "linux.devices /dev/fuse 10:229 uid 7 mode 0640");
    char buf[64] = "";
    ssize_t n = readlink("/dev/ptmx", buf, sizeof(buf) - 1);
    report(n == 8 && strncmp(buf, "pts/ptmx", 8) == 0, "/dev/ptmx -> pts/ptmx");
    n = readlink("/dev/stderr", buf, sizeof(buf) - 1);
    report(n == 15 && strncmp(buf, "/proc/self/fd/2", 15) == 0, "/dev/stderr -> /proc/self/fd/2");
    /* This kernel has neither /proc/kcore nor /proc/sysrq-trigger. */
    int fd = open("/proc/keys", O_RDONLY);
    report(fd >= 0 && read(fd, buf, sizeof(buf)) == 0, "masked /proc/keys reads empty");
    if (fd >= 0)
        close(fd);
    fd = open("/proc/sys/kernel/shmmni", O_WRONLY);
    report(fd < 0 && errno == EROFS, "/proc/sys is read-only after rootfs_finish (errno %d)", errno);
    report(open("/ro-file-test", O_CREAT | O_WRONLY, 0644) < 0 && errno == EROFS, "root.readonly: / is read-only");
    report(mkdir("/scratch/made", 0755) == 0, "tmpfs /scratch is writable");
    CLEANUP_FREE char *landed = xasprintf("%s/mnt/escape-check", tmp);
    struct statfs sf;
    report(statfs(landed, &sf) == 0 && sf.f_type == TMPFS_MAGIC, "symlinked mount target landed inside: %s", landed);
    report(stat("/proc/acpi", &st) == 0 && S_ISDIR(st.st_mode) && mkdir("/proc/acpi/x", 0) < 0 && errno == EROFS,
           "masked dir /proc/acpi is a read-only tmpfs");
    CLEANUP_FREE char *v = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    report(read_file("/proc/sys/kernel/shmmni", &v, NULL, &err) == 0 && strcmp(v, "1234\n") == 0,
           "sysctl kernel.shmmni written in the ipc namespace");
    report(statfs("/sys/fs/cgroup", &sf) == 0 && sf.f_type == TMPFS_MAGIC && (sf.f_flags & ST_RDONLY),
           "/sys/fs/cgroup is a read-only tmpfs");
    report(statfs("/sys/fs/cgroup/memory", &sf) == 0 && sf.f_type == CGROUP_SUPER_MAGIC &&
               (sf.f_flags & ST_RDONLY) && access("/sys/fs/cgroup/memory/memory.limit_in_bytes", R_OK) == 0,
           "/sys/fs/cgroup/memory is the read-only v1 memory hierarchy");
    report(mkdir("/rro/sub/x", 0755) < 0 && errno == EROFS && mkdir("/rw/x", 0755) == 0,
           "rbind,rro makes a submount read-only, a plain rbind stays writable");
    report(access("/oldroot", F_OK) < 0 && access("/proc/self/root/etc/hostname", F_OK) < 0,
           "old root is gone");
}

static struct spec *test_spec(const char *rootfs)
{
    struct spec *s = spec_new_default();
    free(s->root->path);
    s->root->path = xstrdup(rootfs);
    s->root->readonly = true;
    spec_add_mount(s, "/scratch", "tmpfs", "tmpfs", (const char *const[]){"nosuid", "size=1m", NULL});
    spec_add_mount(s, "/escape/mnt/escape-check", "tmpfs", "tmpfs", NULL);
    CLEANUP_FREE char *src = path_join(tmp, "src");
    spec_add_mount(s, "/rro", "bind", src, (const char *const[]){"rbind", "rro", NULL});
    spec_add_mount(s, "/rw", "bind", src, (const char *const[]){"rbind", NULL});
    struct spec_linux *l = s->linux_;
    l->devices = xcalloc(1, sizeof(*l->devices));
    l->devices[0] = (struct spec_device){.path = xstrdup("/dev/fuse"), .type = xstrdup("c"), .major = 10,
                                         .minor = 229, .has_file_mode = true, .file_mode = 0640,
                                         .has_uid = true, .uid = 7};
    l->n_devices = 1;
    l->sysctl = xcalloc(1, sizeof(*l->sysctl));
    l->sysctl[0] = (struct spec_kv){xstrdup("kernel.shmmni"), xstrdup("1234")};
    l->n_sysctl = 1;
    return s;
}

static void child(const char *rootfs)
{
    CLEANUP_SPEC struct spec *s = test_spec(rootfs);
    CLEANUP_ERROR struct error *err = NULL;
    struct rootfs_opts o = {.rootfs = rootfs};
    CLEANUP_FREE char *sub = path_join(tmp, "src/sub");
    if (unshare(CLONE_NEWNS | CLONE_NEWIPC | CLONE_NEWUTS) < 0)
        report(0, "unshare: %s", strerror(errno));
    else if (mount(NULL, "/", NULL, MS_SLAVE | MS_REC, NULL) < 0 || mount("tmpfs", sub, "tmpfs", 0, NULL) < 0)
        report(0, "submount: %s", strerror(errno));
    else if (rootfs_setup(s, &o, &err) < 0 || sysctl_apply(s, &err) < 0 || rootfs_finish(s, &err) < 0)
        report(0, "setup: %s", err->msg);
    else
        check_inside();
    _exit(0);
}

static void test_setup(void)
{
    if (geteuid() != 0) {
        ok(1, "# SKIP rootfs_setup needs root");
        return;
    }
    CLEANUP_FREE char *rootfs = path_join(tmp, "rootfs");
    CLEANUP_FREE char *hostdir = path_join(tmp, "mnt");
    CLEANUP_FREE char *link = path_join(rootfs, "escape");
    CLEANUP_ERROR struct error *err = NULL;
    mkdir_p(rootfs, 0755, &err);
    /* /escape -> this temp dir: a naive join would mount on the host's
     * tmp/mnt/escape-check, resolution in the root on rootfs/tmp/... */
    CLEANUP_FREE char *inner = path_join(rootfs, tmp);
    mkdir_p(inner, 0755, &err);
    ok(symlink(tmp, link) == 0, "symlink /escape -> %s", tmp);
    /* A bind source with a submount, for the recursive attributes. */
    CLEANUP_FREE char *sub = path_join(tmp, "src/sub");
    mkdir_p(sub, 0755, &err);
    int p[2];
    if (pipe(p) < 0)
        abort();
    pid_t pid = fork();
    if (pid == 0) {
        close(p[0]);
        report_fd = p[1];
        child(rootfs);
    }
    close(p[1]);
    CLEANUP_FCLOSE FILE *in = fdopen(p[0], "r");
    char line[512];
    while (fgets(line, sizeof(line), in)) {
        line[strcspn(line, "\n")] = '\0';
        ok(line[0] == '1', "%s", line + 2);
    }
    int status;
    waitpid(pid, &status, 0);
    ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "child exited cleanly");
    ok(!path_exists(hostdir), "nothing created at %s outside the rootfs", hostdir);
}

static void test_sysctl_refused(void)
{
    CLEANUP_SPEC struct spec *s = spec_new_default();
    struct spec_linux *l = s->linux_;
    l->sysctl = xcalloc(1, sizeof(*l->sysctl));
    l->n_sysctl = 1;
    /* Keys that do not exist: a broken check could not change the host. */
    const char *cases[][2] = {
        {"kernel.no_such_key", "sysctl kernel.no_such_key is not in a separate kernel namespace"},
        {"net.no_such_key", "sysctl net.no_such_key is not allowed in the host's network namespace"},
        {"fs/mqueue/no_such_key", "sysctl fs.mqueue.no_such_key is not allowed in the host's ipc namespace"},
    };
    for (size_t i = 0; i < 3; i++) {
        l->sysctl[0] = (struct spec_kv){xstrdup(cases[i][0]), xstrdup("1")};
        for (size_t j = 0; j < l->n_namespaces; j++)
            if (strcmp(l->namespaces[j].type, "ipc") == 0 || strcmp(l->namespaces[j].type, "network") == 0)
                l->namespaces[j].type[0] = 'x'; /* no such namespace any more */
        CLEANUP_ERROR struct error *err = NULL;
        int r = sysctl_apply(s, &err);
        ok(r < 0 && err && strstr(err->msg, cases[i][1]) && err->exit_class == EXIT_INVALID,
           "refused: %s (%s)", cases[i][0], err ? err->msg : "accepted");
        free(l->sysctl[0].key);
        free(l->sysctl[0].value);
    }
    l->sysctl[0] = (struct spec_kv){NULL, NULL};
    l->n_sysctl = 0;
}

int main(void)
{
    if (mkdtemp(tmp) == NULL)
        return 1;
    test_options();
    test_sysctl_refused();
    test_setup();
    CLEANUP_ERROR struct error *err = NULL;
    rm_rf(tmp, &err);
    return tap_done();
}
