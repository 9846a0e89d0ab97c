/* Image config -> config.json pieces: user resolution against a rootfs,
 * Entrypoint/Cmd combinations, env overrides, resource flags, annotations. */
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/spec.h"
#include "common/strv.h"
#include "common/xalloc.h"
#include "imagetool/config/config.h"
#include "imagetool/config/resources.h"
#include "imagetool/config/user.h"
#include "tap.h"

static const char passwd[] = "root:x:0:0:root:/root:/bin/sh\n"
                             "# a comment\n"
                             "demo:x:1000:1000:Demo:/home/demo:/bin/sh\n"
                             "nohome:x:1001:1001::\n"
                             "broken line\n";
static const char group[] = "root:x:0:\n"
                            "wheel:x:10:root,demo\n"
                            "staff:x:50:demo\n"
                            "demo:x:1000:\n"
                            "audio:x:29:demodemo,xdemo\n";

static int make_rootfs(char *dir)
{
    if (!mkdtemp(dir))
        return -1;
    CLEANUP_FREE char *etc = path_join(dir, "etc");
    CLEANUP_FREE char *pw = path_join(etc, "passwd");
    CLEANUP_FREE char *gr = path_join(etc, "group");
    if (mkdir_p(etc, 0755, NULL) < 0 || write_file_atomic(pw, passwd, strlen(passwd), 0644, NULL) < 0 ||
        write_file_atomic(gr, group, strlen(group), 0644, NULL) < 0)
        return -1;
    return open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
}

static void check_user(int rootfd, const char *spec, uint32_t uid, uint32_t gid, const char *gids,
                       const char *home)
{
    struct resolved_user u;
    CLEANUP_ERROR struct error *err = NULL;
    if (user_resolve(rootfd, spec, &u, &err) < 0) {
        ok(0, "user \"%s\" resolves: %s", spec, err->msg);
        return;
    }
    char got[128] = "";
    for (size_t i = 0; i < u.n_additional_gids; i++)
        snprintf(got + strlen(got), sizeof(got) - strlen(got), "%s%u", i ? "," : "", u.additional_gids[i]);
    ok(u.uid == uid && u.gid == gid, "user \"%s\" -> %u:%u (got %u:%u)", spec, uid, gid, u.uid, u.gid);
    is_str(got, gids, "user \"%s\" additional gids", spec);
    is_str(u.home, home, "user \"%s\" home", spec);
    resolved_user_clear(&u);
}

static void check_user_error(int rootfd, const char *spec, const char *needle)
{
    struct resolved_user u;
    CLEANUP_ERROR struct error *err = NULL;
    int r = user_resolve(rootfd, spec, &u, &err);
    ok(r < 0 && err && strstr(err->msg, needle) && err->exit_class == EXIT_INVALID,
       "user \"%s\" is an error naming \"%s\" (%s)", spec, needle, err ? err->msg : "no error");
}

static void test_users(void)
{
    char dir[] = "/tmp/imagetool-user-XXXXXX";
    CLEANUP_CLOSE int rootfd = make_rootfs(dir);
    ok(rootfd >= 0, "test rootfs");
    check_user(rootfd, "", 0, 0, "10", "/root");
    check_user(rootfd, NULL, 0, 0, "10", "/root");
    check_user(rootfd, "root", 0, 0, "10", "/root");
    check_user(rootfd, "demo", 1000, 1000, "10,50", "/home/demo");
    check_user(rootfd, "1000", 1000, 1000, "10,50", "/home/demo");
    check_user(rootfd, "1000:50", 1000, 50, "", "/home/demo");
    check_user(rootfd, "demo:staff", 1000, 50, "", "/home/demo");
    check_user(rootfd, "demo:7", 1000, 7, "", "/home/demo");
    check_user(rootfd, "4242", 4242, 0, "", "/");
    check_user(rootfd, "4242:wheel", 4242, 10, "", "/");
    check_user(rootfd, "nohome", 1001, 1001, "", "/");
    check_user_error(rootfd, "nosuchuser", "nosuchuser");
    check_user_error(rootfd, "demo:nosuchgroup", "nosuchgroup");
    check_user_error(rootfd, "demo:", "empty group");

    /* A symlink climbing out of the rootfs resolves inside it. */
    CLEANUP_FREE char *pw = xasprintf("%s/etc/passwd", dir);
    CLEANUP_FREE char *pw2 = xasprintf("%s/etc/passwd2", dir);
    const char inside[] = "daemon:x:7:7::/d:/bin/sh\n";
    unlink(pw);
    ok(symlink("../../../../../../../etc/passwd2", pw) == 0 &&
           write_file_atomic(pw2, inside, strlen(inside), 0644, NULL) == 0, "passwd symlinked to ../../../..");
    check_user(rootfd, "daemon", 7, 7, "", "/d");
    unlink(pw);
    ok(mkfifo(pw, 0644) == 0, "passwd replaced by a fifo");
    check_user_error(rootfd, "demo", "not a regular file");
    rm_rf(dir, NULL);
}

static char *joined(char *const *v)
{
    size_t len = 1;
    for (char *const *p = v; p && *p; p++)
        len += strlen(*p) + 1;
    char *out = xcalloc(1, len);
    for (char *const *p = v; p && *p; p++) {
        if (p != v)
            strcat(out, " ");
        strcat(out, *p);
    }
    return out;
}

static void check_args(char **entry, char **cmd, bool has_ep, char **ep, char **args, const char *want)
{
    struct image_config ic = { .entrypoint = entry, .cmd = cmd };
    struct config_opts o = { .has_entrypoint = has_ep, .entrypoint = ep, .args = args };
    CLEANUP_STRV char **got = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    if (config_args(&ic, &o, &got, &err) < 0) {
        ok(want == NULL, "args error: %s", err->msg);
        return;
    }
    CLEANUP_FREE char *j = joined(got);
    is_str(j, want, "args");
}

static void test_args(void)
{
    char *ep[] = { "/entry", "-x", NULL }, *cmd[] = { "cmd", "arg", NULL };
    char *new_ep[] = { "/new", NULL }, *args[] = { "run", "this", NULL }, *empty[] = { NULL };
    check_args(ep, cmd, false, NULL, NULL, "/entry -x cmd arg");
    check_args(NULL, cmd, false, NULL, NULL, "cmd arg");
    check_args(ep, NULL, false, NULL, NULL, "/entry -x");
    check_args(ep, cmd, false, NULL, args, "/entry -x run this");
    check_args(ep, cmd, true, new_ep, NULL, "/new");
    check_args(ep, cmd, true, new_ep, args, "/new run this");
    check_args(ep, cmd, true, NULL, args, "run this");
    check_args(NULL, NULL, false, NULL, NULL, "sh");
    check_args(ep, cmd, true, empty, NULL, "sh");

    CLEANUP_STRV char **parsed = NULL;
    ok(parse_entrypoint("[\"/bin/sh\",\"-c\"]", &parsed, NULL) == 0 && strv_len(parsed) == 2 &&
           strcmp(parsed[1], "-c") == 0, "--entrypoint JSON array");
    CLEANUP_STRV char **single = NULL;
    ok(parse_entrypoint("/bin/echo hi", &single, NULL) == 0 && strv_len(single) == 1, "--entrypoint string");
    CLEANUP_STRV char **none = NULL;
    ok(parse_entrypoint("", &none, NULL) == 0 && none == NULL, "--entrypoint ''");
    CLEANUP_STRV char **bad = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    ok(parse_entrypoint("[1]", &bad, &err) < 0 && err->exit_class == EXIT_USAGE, "--entrypoint [1] refused");
}

static void test_env(void)
{
    char *image[] = { "PATH=/bin", "A=1", "B=2", NULL };
    char *over[] = { "B=3", "C=4", "A=", NULL };
    CLEANUP_STRV char **env = NULL;
    ok(config_env(image, over, &env, NULL) == 0, "env merge");
    CLEANUP_FREE char *j = joined(env);
    is_str(j, "PATH=/bin A= B=3 C=4", "overrides replace by name, new ones appended");
    env_default(&env, "PATH", "/x", true);
    env_default(&env, "HOME", "/root", false);
    CLEANUP_FREE char *j2 = joined(env);
    is_str(j2, "PATH=/bin A= B=3 C=4 HOME=/root", "defaults only when absent");
    CLEANUP_STRV char **env2 = NULL;
    env_default(&env2, "PATH", "/x", true);
    env_default(&env2, "Z", "1", false);
    env_default(&env2, "Y", "2", true);
    CLEANUP_FREE char *j3 = joined(env2);
    is_str(j3, "Y=2 PATH=/x Z=1", "prepend and append");
    char *bad[] = { "=x", NULL };
    CLEANUP_STRV char **env3 = NULL;
    CLEANUP_ERROR struct error *err = NULL;
    ok(config_env(NULL, bad, &env3, &err) < 0 && err->exit_class == EXIT_USAGE, "--env =x refused");
}

static void test_resources(void)
{
    int64_t m = 0;
    double c = 0;
    ok(parse_memory_size("200m", &m, NULL) == 0 && m == 209715200, "200m = 209715200");
    ok(parse_memory_size("1g", &m, NULL) == 0 && m == 1073741824, "1g");
    ok(parse_memory_size("8192K", &m, NULL) == 0 && m == 8388608, "8192K");
    ok(parse_memory_size("1.5GiB", &m, NULL) == 0 && m == 1610612736, "1.5GiB");
    ok(parse_memory_size("6291456", &m, NULL) == 0 && m == 6291456, "plain bytes, 6 MiB");
    ok(parse_memory_size("4096", &m, NULL) < 0, "below 6 MiB refused (Docker's floor)");
    ok(parse_memory_size("200x", &m, NULL) < 0, "200x refused");
    ok(parse_memory_size("-1m", &m, NULL) < 0, "-1m refused");
    ok(parse_memory_size("m", &m, NULL) < 0, "m refused");
    ok(parse_cpus("1", &c, NULL) == 0 && c == 1, "cpus 1");
    ok(parse_cpus("0", &c, NULL) < 0 && parse_cpus("abc", &c, NULL) < 0, "cpus 0, abc refused");
    int64_t p = 0;
    ok(parse_pids_limit("100", &p, NULL) == 0 && p == 100, "pids 100");
    ok(parse_pids_limit("0", &p, NULL) < 0 && parse_pids_limit("-1", &p, NULL) == 0 && p == -1, "pids 0, -1");

    struct default_opts d = { 0 };
    CLEANUP_SPEC struct spec *s = defaults_new_spec(&d);
    struct resource_flags f = { .has_cpus = true, .cpus = 1.5, .has_memory = true, .memory = 209715200,
                                .has_pids = true, .pids = 64 };
    resources_apply(s, &f);
    struct spec_resources *r = s->linux_->resources;
    ok(r->cpu.shares == 1536 && r->cpu.quota == 150000 && r->cpu.period == 100000, "cpus 1.5 -> 1536, 150000/100000");
    ok(r->memory.limit == 209715200 && r->pids_limit == 64, "memory and pids");
    f = (struct resource_flags){ .has_cpus = true, .cpus = 0.001 };
    resources_apply(s, &f);
    ok(r->cpu.shares == 2 && r->cpu.quota == 1000, "tiny cpus clamped to 2 shares, 1 ms quota");
}

static void test_annotations(void)
{
    char *ports[] = { "80/tcp", "53/udp", NULL }, *vols[] = { "/data", "/logs", NULL };
    struct spec_kv labels[] = { { "org.opencontainers.image.stopSignal", "SIGUSR1" }, { "x", "y" } };
    struct image_config ic = { .os = "linux", .architecture = "amd64", .stop_signal = "SIGQUIT",
                               .exposed_ports = ports, .volumes = vols, .labels = labels, .n_labels = 2 };
    struct default_opts d = { 0 };
    CLEANUP_SPEC struct spec *s = defaults_new_spec(&d);
    config_annotations(&ic, s);
    is_str(spec_annotation(s, "org.opencontainers.image.exposedPorts"), "80/tcp,53/udp", "exposedPorts");
    is_str(spec_annotation(s, "org.opencontainers.image.volumes"), "/data,/logs", "volumes");
    is_str(spec_annotation(s, "org.opencontainers.image.stopSignal"), "SIGUSR1", "label wins over StopSignal");
    is_str(spec_annotation(s, "org.opencontainers.image.architecture"), "amd64", "architecture");
    is_str(spec_annotation(s, "x"), "y", "label");
}

static void test_defaults(void)
{
    struct default_opts d = { .host_network = true, .read_only = true };
    CLEANUP_SPEC struct spec *s = defaults_new_spec(&d);
    ok(strv_len(s->process->capabilities->bounding) == 14, "14 default capabilities");
    ok(spec_namespace_find(s, "network") == NULL && spec_namespace_find(s, "pid"), "--net host: no netns");
    ok(s->root->readonly && !s->process->terminal, "read-only root, no terminal");
    ok(spec_mount_find(s, "/sys/fs/cgroup") && spec_mount_find(s, "/dev/mqueue"), "default mounts");
    ok(s->linux_->seccomp != NULL, "default seccomp profile");
}

int main(void)
{
    log_set_program("imagetool_config");
    test_users();
    test_args();
    test_env();
    test_resources();
    test_annotations();
    test_defaults();
    return tap_done();
}
