/* linux.seccomp -> BPF, in the parent: the child then only calls seccomp(2). */
#include "seccomp_plan.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/capability.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "caps.h"
#include "common/cleanup.h"
#include "common/fs.h"
#include "common/log.h"
#include "common/xalloc.h"

#ifndef SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV
#define SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV (1UL << 5)
#endif

static void ctx_release(scmp_filter_ctx *ctx)
{
    if (*ctx)
        seccomp_release(*ctx);
}

static bool index_repeats(const struct spec_seccomp_syscall *sc)
{
    for (size_t a = 0; a < sc->n_args; a++)
        for (size_t b = a + 1; b < sc->n_args; b++)
            if (sc->args[a].index == sc->args[b].index)
                return true;
    return false;
}

static struct scmp_arg_cmp arg_cmp(const struct spec_seccomp_arg *a)
{
    return (struct scmp_arg_cmp){
        .arg = a->index,
        .op = (enum scmp_compare)seccomp_op_from_name(a->op),
        .datum_a = a->value,
        .datum_b = a->value_two,
    };
}

/* Conditions on distinct arguments must all hold (one rule); several on
 * the same argument are alternatives (one rule each), as runc does. */
static int add_rule(scmp_filter_ctx ctx, uint32_t act, int nr, const struct spec_seccomp_syscall *sc)
{
    struct scmp_arg_cmp conds[6];
    if (sc->n_args == 0)
        return seccomp_rule_add_array(ctx, act, nr, 0, NULL);
    if (index_repeats(sc)) {
        for (size_t a = 0; a < sc->n_args; a++) {
            conds[0] = arg_cmp(&sc->args[a]);
            int rc = seccomp_rule_add_array(ctx, act, nr, 1, conds);
            if (rc < 0)
                return rc;
        }
        return 0;
    }
    if (sc->n_args > 6)
        return -EINVAL;
    for (size_t a = 0; a < sc->n_args; a++)
        conds[a] = arg_cmp(&sc->args[a]);
    return seccomp_rule_add_array(ctx, act, nr, (unsigned)sc->n_args, conds);
}

static int add_syscalls(scmp_filter_ctx ctx, const struct spec_seccomp *spec, uint32_t def, struct error **err)
{
    for (size_t i = 0; i < spec->n_syscalls; i++) {
        const struct spec_seccomp_syscall *sc = &spec->syscalls[i];
        uint32_t act;
        seccomp_action_from_name(sc->action, sc->has_errno_ret, sc->errno_ret, &act);
        if (act == def)
            continue; /* the default does it already; libseccomp refuses such rules */
        for (size_t n = 0; sc->names[n]; n++) {
            int nr = seccomp_syscall_resolve_name(sc->names[n]);
            if (nr == __NR_SCMP_ERROR) {
                /* Profiles list calls newer than libseccomp (Docker's does): as runc,
                 * only --debug says so; the ENOSYS prefix covers them. */
                log_debug("linux.seccomp.syscalls[%zu]: syscall \"%s\" is unknown to libseccomp; skipped", i,
                         sc->names[n]);
                continue;
            }
            int rc = add_rule(ctx, act, nr, sc);
            if (rc < 0)
                return error_setc(err, EXIT_INVALID, -rc, "linux.seccomp.syscalls[%zu]: rule for \"%s\"", i,
                                  sc->names[n]);
        }
    }
    return 0;
}

static int add_architectures(scmp_filter_ctx ctx, char *const *archs, struct error **err)
{
    for (size_t i = 0; archs && archs[i]; i++) {
        uint32_t arch;
        seccomp_arch_from_name(archs[i], &arch);
        int rc = seccomp_arch_add(ctx, arch);
        if (rc < 0 && rc != -EEXIST)
            return error_set(err, -rc, "linux.seccomp.architectures[%zu]: add %s", i, archs[i]);
    }
    return 0;
}

static int export_program(scmp_filter_ctx ctx, struct seccomp_plan *p, struct error **err)
{
    CLEANUP_CLOSE int fd = memfd_create("seccomp-bpf", MFD_CLOEXEC);
    if (fd < 0)
        return error_set(err, errno, "memfd_create");
    int rc = seccomp_export_bpf(ctx, fd);
    if (rc < 0)
        return error_set(err, -rc, "linux.seccomp: export the BPF program");
    if (lseek(fd, 0, SEEK_SET) < 0)
        return error_set(err, errno, "lseek");
    char *buf = NULL;
    size_t len = 0;
    if (read_all_fd(fd, &buf, &len, err) < 0)
        return -1;
    size_t n = len / sizeof(struct sock_filter);
    if (n == 0 || n > BPF_MAXINSNS) {
        free(buf);
        return error_setc(err, EXIT_INVALID, 0, "linux.seccomp: the filter has %zu instructions (limit %d)", n,
                          BPF_MAXINSNS);
    }
    p->insns = (struct sock_filter *)buf;
    p->n_insns = (unsigned short)n;
    return 0;
}

/* A flag the kernel knows makes seccomp(2) fail on the NULL program with
 * EFAULT; an unknown one fails with EINVAL first. */
static bool kernel_has_flag(unsigned int flag)
{
    /* WAIT_KILLABLE_RECV is only valid with NEW_LISTENER. */
    if (flag == SECCOMP_FILTER_FLAG_WAIT_KILLABLE_RECV)
        flag |= SECCOMP_FILTER_FLAG_NEW_LISTENER;
    long rc = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, flag, NULL);
    return rc < 0 && errno == EFAULT;
}

static int collect_flags(char *const *flags, struct seccomp_plan *p, struct error **err)
{
    for (size_t i = 0; flags && flags[i]; i++) {
        unsigned int f;
        seccomp_flag_from_name(flags[i], &f);
        if (!kernel_has_flag(f))
            return error_setc(err, EXIT_INVALID, 0, "linux.seccomp.flags[%zu]: %s is not supported by this kernel", i,
                              flags[i]);
        p->flags |= f;
    }
    return 0;
}

static int connect_listener(const char *path, struct seccomp_plan *p, struct error **err)
{
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    if (strlen(path) >= sizeof(addr.sun_path))
        return error_setc(err, EXIT_INVALID, 0, "linux.seccomp.listenerPath: %s: path too long", path);
    strcpy(addr.sun_path, path);
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return error_set(err, errno, "socket");
    if (connect(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0) {
        int saved = errno;
        close(fd);
        return error_set(err, saved, "linux.seccomp.listenerPath: connect to %s", path);
    }
    p->listener_fd = fd;
    return 0;
}

static int build_filter(const struct spec_seccomp *sc, struct seccomp_plan *p, struct error **err)
{
    uint32_t def;
    seccomp_action_from_name(sc->default_action, sc->has_default_errno_ret, sc->default_errno_ret, &def);
    CLEANUP(ctx_release) scmp_filter_ctx ctx = seccomp_init(def);
    if (ctx == NULL)
        return error_setc(err, EXIT_INVALID, 0, "linux.seccomp.defaultAction: %s refused by libseccomp",
                          sc->default_action);
    /* no_new_privs is process.noNewPrivileges' business, not libseccomp's. */
    seccomp_attr_set(ctx, SCMP_FLTATR_CTL_NNP, 0);
    if (add_architectures(ctx, sc->architectures, err) < 0 || add_syscalls(ctx, sc, def, err) < 0)
        return -1;
    if (export_program(ctx, p, err) < 0)
        return -1;
    return seccomp_enosys_patch(sc, def, p, err);
}

/* The syscalls the child makes when it sends the notify fd itself, which it
 * does when the runtime may not take it (pidfd_getfd needs ptrace rights
 * over the child: CAP_SYS_PTRACE, as it is not dumpable). */
static bool used_by_self_send(const char *name)
{
    return strcmp(name, "read") == 0 || strcmp(name, "sendmsg") == 0 || strcmp(name, "sendto") == 0;
}

static int check_notify_rules(const struct spec_seccomp *sc, struct seccomp_plan *p, struct error **err)
{
    p->self_send_ok = true;
    for (size_t i = 0; i < sc->n_syscalls; i++) {
        if (strcmp(sc->syscalls[i].action, "SCMP_ACT_NOTIFY") != 0)
            continue;
        p->notify = true;
        for (size_t n = 0; sc->syscalls[i].names[n]; n++) {
            const char *name = sc->syscalls[i].names[n];
            if (!used_by_self_send(name))
                continue;
            p->self_send_ok = false;
            if (!caps_have_effective(CAP_SYS_PTRACE))
                return error_setc(err, EXIT_PERM, 0,
                                  "linux.seccomp.syscalls[%zu]: SCMP_ACT_NOTIFY on \"%s\" needs CAP_SYS_PTRACE "
                                  "(the runtime takes the notify fd from the container's process, which "
                                  "cannot send it itself)", i, name);
        }
    }
    return 0;
}

int seccomp_compile(const struct spec_seccomp *sc, struct seccomp_plan **out, struct error **err)
{
    struct seccomp_plan *p = xcalloc(1, sizeof(*p));
    p->listener_fd = -1;
    p->host_pidns_fd = -1;
    if (check_notify_rules(sc, p, err) < 0 || build_filter(sc, p, err) < 0 || collect_flags(sc->flags, p, err) < 0 ||
        (p->notify && connect_listener(sc->listener_path, p, err) < 0)) {
        seccomp_plan_free(p);
        return -1;
    }
    if (sc->listener_metadata)
        p->metadata = xstrdup(sc->listener_metadata);
    if (p->notify)
        p->host_pidns_fd = open("/proc/self/ns/pid", O_RDONLY | O_CLOEXEC);
    *out = p;
    return 0;
}

void seccomp_plan_free(struct seccomp_plan *p)
{
    if (p == NULL)
        return;
    if (p->listener_fd >= 0)
        close(p->listener_fd);
    if (p->host_pidns_fd >= 0)
        close(p->host_pidns_fd);
    free(p->insns);
    free(p->metadata);
    free(p);
}
