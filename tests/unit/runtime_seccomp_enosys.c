/* The ENOSYS prefix: programs compiled by seccomp_compile are run through a
 * small classic-BPF interpreter for several architectures and syscall
 * numbers, then one is loaded in a forked child to see the kernel agree. */
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>
#include <seccomp.h>

#include "runtime/security/seccomp_plan.h"
#include "tests/unit/tap.h"

#define X32 0x40000000u
#define RET_ENOSYS (SECCOMP_RET_ERRNO | ENOSYS)
#define RET_EPERM (SECCOMP_RET_ERRNO | EPERM)
#define BAD_INSN 0xdeadbeefu

static uint32_t jump_cmp(uint16_t op, uint32_t a, uint32_t v)
{
    switch (op) {
    case BPF_JEQ:
        return a == v;
    case BPF_JGT:
        return a > v;
    case BPF_JGE:
        return a >= v;
    case BPF_JSET:
        return (a & v) != 0;
    }
    return 2;
}

static uint32_t alu(uint16_t op, uint32_t a, uint32_t v)
{
    switch (op) {
    case BPF_AND:
        return a & v;
    case BPF_OR:
        return a | v;
    case BPF_ADD:
        return a + v;
    case BPF_SUB:
        return a - v;
    case BPF_RSH:
        return v < 32 ? a >> v : 0;
    case BPF_LSH:
        return v < 32 ? a << v : 0;
    case BPF_NEG:
        return -a;
    }
    return a;
}

/* The instructions libseccomp and the prefix use; BAD_INSN otherwise. */
static uint32_t bpf_run(const struct sock_filter *f, size_t n, const struct seccomp_data *d)
{
    uint32_t a = 0, x = 0, mem[BPF_MEMWORDS] = { 0 };
    for (size_t pc = 0; pc < n; pc++) {
        const struct sock_filter *i = &f[pc];
        uint32_t src = BPF_SRC(i->code) == BPF_X ? x : i->k;
        switch (BPF_CLASS(i->code)) {
        case BPF_LD:
            if (BPF_MODE(i->code) == BPF_ABS && i->k + 4 <= sizeof(*d))
                memcpy(&a, (const char *)d + i->k, 4);
            else if (BPF_MODE(i->code) == BPF_IMM)
                a = i->k;
            else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
                a = mem[i->k];
            else
                return BAD_INSN;
            break;
        case BPF_LDX:
            if (BPF_MODE(i->code) == BPF_IMM)
                x = i->k;
            else if (BPF_MODE(i->code) == BPF_MEM && i->k < BPF_MEMWORDS)
                x = mem[i->k];
            else
                return BAD_INSN;
            break;
        case BPF_ST:
        case BPF_STX:
            if (i->k >= BPF_MEMWORDS)
                return BAD_INSN;
            mem[i->k] = BPF_CLASS(i->code) == BPF_ST ? a : x;
            break;
        case BPF_ALU:
            a = alu(BPF_OP(i->code), a, src);
            break;
        case BPF_JMP:
            if (BPF_OP(i->code) == BPF_JA) {
                pc += i->k;
                break;
            }
            uint32_t taken = jump_cmp(BPF_OP(i->code), a, src);
            if (taken > 1)
                return BAD_INSN;
            pc += taken ? i->jt : i->jf;
            break;
        case BPF_RET:
            return BPF_RVAL(i->code) == BPF_A ? a : i->k;
        case BPF_MISC:
            if (BPF_MISCOP(i->code) == BPF_TAX)
                x = a;
            else
                a = x;
            break;
        }
    }
    return BAD_INSN; /* fell off the end */
}

struct profile {
    struct spec_seccomp sc;
    struct spec_seccomp_syscall rules[2];
};

/* Default action DEF; NAMES allowed; BLOCKED (may be NULL) refused with EPERM. */
static void profile_init(struct profile *p, const char *def, char **names, char **blocked)
{
    memset(p, 0, sizeof(*p));
    p->sc.default_action = (char *)def;
    p->sc.syscalls = p->rules;
    p->rules[0] = (struct spec_seccomp_syscall){ .names = names, .action = "SCMP_ACT_ALLOW" };
    p->rules[1] = (struct spec_seccomp_syscall){ .names = blocked, .action = "SCMP_ACT_ERRNO" };
    p->sc.n_syscalls = blocked ? 2 : 1;
}

static struct seccomp_plan *compile(struct profile *p)
{
    struct error *err = NULL;
    struct seccomp_plan *plan = NULL;
    if (seccomp_validate(&p->sc, &err) < 0 || seccomp_compile(&p->sc, &plan, &err) < 0) {
        fprintf(stderr, "# %s\n", err->msg);
        error_free(err);
        return NULL;
    }
    return plan;
}

static uint32_t verdict(const struct seccomp_plan *plan, uint32_t arch, uint32_t nr)
{
    struct seccomp_data d = { .nr = (int)nr, .arch = arch };
    return plan ? bpf_run(plan->insns, plan->n_insns, &d) : BAD_INSN;
}

/* read 0, write 1, clone 56, rt_sigaction 13 (x86_64); i386: 3, 4, 120, 174. */
static char *allowed[] = { "read", "write", "clone", "rt_sigaction", NULL };

static void test_errno_default(void)
{
    struct profile p;
    profile_init(&p, "SCMP_ACT_ERRNO", allowed, (char *[]){ "keyctl", NULL });
    struct seccomp_plan *plan = compile(&p);
    ok(verdict(plan, AUDIT_ARCH_X86_64, 1000) == RET_ENOSYS, "ERRNO default: syscall 1000 gets ENOSYS");
    ok(verdict(plan, AUDIT_ARCH_X86_64, 435) == RET_ENOSYS, "ERRNO default: clone3, newer than the profile, gets ENOSYS");
    ok(verdict(plan, AUDIT_ARCH_X86_64, 56) == SECCOMP_RET_ALLOW, "an allowed syscall is allowed");
    ok(verdict(plan, AUDIT_ARCH_X86_64, 39) == RET_EPERM, "getpid (39, below the newest named) gets the default errno");
    ok(verdict(plan, AUDIT_ARCH_X86_64, 250) == RET_EPERM, "keyctl (250), named and refused, gets EPERM");
    ok(verdict(plan, AUDIT_ARCH_X86_64, 251) == RET_ENOSYS, "251, above keyctl (the newest named), gets ENOSYS");
    ok(verdict(plan, AUDIT_ARCH_X86_64, 0xffffffffu) == RET_EPERM,
       "syscall -1 (x32 bit set, x32 not in the profile) is left to libseccomp (its default action)");
    seccomp_plan_free(plan);
    p.sc.has_default_errno_ret = true;
    p.sc.default_errno_ret = 122;
    plan = compile(&p);
    ok(verdict(plan, AUDIT_ARCH_X86_64, 39) == (SECCOMP_RET_ERRNO | 122) &&
           verdict(plan, AUDIT_ARCH_X86_64, 1000) == RET_ENOSYS,
       "defaultErrnoRet 122: 122 below the newest named, ENOSYS above");
    seccomp_plan_free(plan);
}

static void test_kill_default(void)
{
    struct profile p;
    profile_init(&p, "SCMP_ACT_KILL_PROCESS", allowed, NULL);
    struct seccomp_plan *plan = compile(&p);
    ok(verdict(plan, AUDIT_ARCH_X86_64, 1000) == RET_ENOSYS &&
           verdict(plan, AUDIT_ARCH_X86_64, 39) == SECCOMP_RET_KILL_PROCESS,
       "KILL_PROCESS default: ENOSYS above the newest named, kill below");
    seccomp_plan_free(plan);
}

/* No prefix: the program is libseccomp's alone. */
static void test_no_prefix(void)
{
    static const struct {
        const char *def;
        uint32_t expect;
    } cases[] = {
        { "SCMP_ACT_ALLOW", SECCOMP_RET_ALLOW },
        { "SCMP_ACT_LOG", SECCOMP_RET_LOG },
        { "SCMP_ACT_TRACE", SECCOMP_RET_TRACE | EPERM },
    };
    for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        struct profile p;
        profile_init(&p, cases[i].def, allowed, (char *[]){ "keyctl", NULL });
        struct seccomp_plan *plan = compile(&p);
        ok(verdict(plan, AUDIT_ARCH_X86_64, 1000) == cases[i].expect,
           "%s default: syscall 1000 gets the default action", cases[i].def);
        seccomp_plan_free(plan);
    }
    struct profile p;
    profile_init(&p, "SCMP_ACT_ERRNO", allowed, NULL);
    struct seccomp_plan *eperm = compile(&p);
    p.sc.has_default_errno_ret = true;
    p.sc.default_errno_ret = ENOSYS;
    struct seccomp_plan *enosys = compile(&p);
    ok(eperm && enosys && enosys->n_insns < eperm->n_insns && verdict(enosys, AUDIT_ARCH_X86_64, 1000) == RET_ENOSYS &&
           verdict(enosys, AUDIT_ARCH_X86_64, 39) == RET_ENOSYS,
       "ERRNO(ENOSYS) default: no prefix (shorter program), ENOSYS everywhere");
    seccomp_plan_free(eperm);
    seccomp_plan_free(enosys);
    ok(!seccomp_enosys_needed(SCMP_ACT_ALLOW) && seccomp_enosys_needed(SCMP_ACT_KILL_THREAD) &&
           seccomp_enosys_needed(SCMP_ACT_TRAP) && seccomp_enosys_needed(SCMP_ACT_ERRNO(1)) &&
           !seccomp_enosys_needed(SCMP_ACT_TRACE(5)),
       "needed for KILL, TRAP, ERRNO(other); not for ALLOW, TRACE");
}

static void test_arches(void)
{
    struct profile p;
    profile_init(&p, "SCMP_ACT_ERRNO", allowed, NULL);
    p.sc.architectures = (char *[]){ "SCMP_ARCH_X86_64", "SCMP_ARCH_X86", "SCMP_ARCH_X32", NULL };
    struct seccomp_plan *plan = compile(&p);
    ok(verdict(plan, AUDIT_ARCH_I386, 1000) == RET_ENOSYS && verdict(plan, AUDIT_ARCH_I386, 120) == SECCOMP_RET_ALLOW &&
           verdict(plan, AUDIT_ARCH_I386, 20) == RET_EPERM && verdict(plan, AUDIT_ARCH_I386, 175) == RET_ENOSYS,
       "i386: its own newest named (rt_sigaction 174) is the limit");
    ok(verdict(plan, AUDIT_ARCH_X86_64, X32 | 1000) == RET_ENOSYS &&
           verdict(plan, AUDIT_ARCH_X86_64, X32 | 435) == RET_ENOSYS,
       "x32: 1000 and clone3 get ENOSYS");
    ok(verdict(plan, AUDIT_ARCH_X86_64, X32 | 56) == SECCOMP_RET_ALLOW &&
           verdict(plan, AUDIT_ARCH_X86_64, X32 | 39) == RET_EPERM,
       "x32: clone allowed, getpid (below the newest named) gets EPERM");
    ok(verdict(plan, AUDIT_ARCH_X86_64, X32 | 512) == SECCOMP_RET_ALLOW &&
           verdict(plan, AUDIT_ARCH_X86_64, X32 | 513) == RET_ENOSYS,
       "x32 compat block from 512: rt_sigaction (512) allowed, 513 above it gets ENOSYS");
    ok(verdict(plan, AUDIT_ARCH_X86_64, 56) == SECCOMP_RET_ALLOW && verdict(plan, AUDIT_ARCH_X86_64, 1000) == RET_ENOSYS,
       "x86_64 next to x32 and i386: as alone");
    seccomp_plan_free(plan);

    p.sc.architectures = (char *[]){ "SCMP_ARCH_X86_64", NULL };
    plan = compile(&p);
    uint32_t x32_alone = verdict(plan, AUDIT_ARCH_X86_64, X32 | 1000);
    ok(x32_alone != RET_ENOSYS && x32_alone != BAD_INSN && x32_alone == verdict(plan, AUDIT_ARCH_X86_64, X32 | 56),
       "x32 not in the profile: its syscalls keep libseccomp's bad-architecture action, new or not");
    uint32_t foreign = verdict(plan, AUDIT_ARCH_AARCH64, 1000);
    ok(foreign != RET_ENOSYS && foreign != BAD_INSN && foreign == verdict(plan, AUDIT_ARCH_AARCH64, 56),
       "an architecture not in the profile keeps the bad-architecture action");
    seccomp_plan_free(plan);

    p.sc.architectures = (char *[]){ "SCMP_ARCH_ARM", NULL };
    p.rules[0].names = (char *[]){ "read", "cacheflush", NULL }; /* 3 and 0x0f0002 on arm */
    plan = compile(&p);
    ok(verdict(plan, AUDIT_ARCH_ARM, 435) == RET_ENOSYS && verdict(plan, AUDIT_ARCH_ARM, 3) == SECCOMP_RET_ALLOW &&
           verdict(plan, AUDIT_ARCH_ARM, 0x0f0002) == SECCOMP_RET_ALLOW &&
           verdict(plan, AUDIT_ARCH_ARM, 0x0f0001) == RET_EPERM &&
           verdict(plan, AUDIT_ARCH_ARM, 0x0f0003) == RET_ENOSYS,
       "arm: the private block (0x0f0000) does not hide new syscalls of the main one");
    seccomp_plan_free(plan);
}

static int listen_at(const char *path)
{
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    struct sockaddr_un addr = { .sun_family = AF_UNIX };
    snprintf(addr.sun_path, sizeof(addr.sun_path), "%s", path);
    if (fd < 0 || bind(fd, (struct sockaddr *)&addr, sizeof(addr)) < 0 || listen(fd, 1) < 0)
        return -1;
    return fd;
}

static void test_notify(void)
{
    char dir[] = "/tmp/seccomp-enosys-XXXXXX";
    if (mkdtemp(dir) == NULL) {
        ok(0, "mkdtemp");
        return;
    }
    char path[64];
    snprintf(path, sizeof(path), "%.40s/l.sock", dir);
    int lfd = listen_at(path);
    struct profile p;
    profile_init(&p, "SCMP_ACT_ERRNO", allowed, (char *[]){ "getpriority", NULL });
    p.rules[1].action = "SCMP_ACT_NOTIFY";
    p.sc.listener_path = path;
    struct seccomp_plan *plan = lfd >= 0 ? compile(&p) : NULL;
    ok(verdict(plan, AUDIT_ARCH_X86_64, 140) == SECCOMP_RET_USER_NOTIF &&
           verdict(plan, AUDIT_ARCH_X86_64, 1000) == RET_ENOSYS && verdict(plan, AUDIT_ARCH_X86_64, 39) == RET_EPERM,
       "NOTIFY rule: notified, ENOSYS above the newest named, EPERM below");
    seccomp_plan_free(plan);
    if (lfd >= 0)
        close(lfd);
    unlink(path);
    rmdir(dir);
}

/* What the child (and ASan, under SANITIZE=1) calls after loading. */
#define ALSO_NEEDED "exit_group", "exit", "write", "close", "sigaltstack", "mmap", "munmap", "madvise", \
                    "rt_sigaction", "rt_sigprocmask", "gettid", "getpid", "futex", "prctl", "sched_yield"

/* Child: load, call NR, exit with its errno. */
static int errno_of_syscall_in_child(const struct seccomp_plan *plan, long nr)
{
    pid_t pid = fork();
    if (pid == 0) {
        struct error *err = NULL;
        int nfd;
        if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 || seccomp_plan_load(plan, &nfd, &err) < 0)
            _exit(200);
        long r = syscall(nr, 0, 0, 0);
        _exit(r < 0 ? errno : 0);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    return WIFEXITED(status) ? WEXITSTATUS(status) : -1;
}

static void test_kernel(void)
{
    struct profile p;
    profile_init(&p, "SCMP_ACT_ERRNO", (char *[]){ ALSO_NEEDED, NULL }, (char *[]){ "keyctl", NULL });
    p.sc.has_default_errno_ret = true;
    p.sc.default_errno_ret = 33;
    struct seccomp_plan *plan = compile(&p);
    if (plan == NULL) {
        ok(0, "compile");
        return;
    }
    ok(errno_of_syscall_in_child(plan, 1000) == ENOSYS, "loaded: syscall 1000 fails with ENOSYS");
    ok(errno_of_syscall_in_child(plan, SYS_getpriority) == 33, "loaded: getpriority (not allowed) fails with 33");
    ok(errno_of_syscall_in_child(plan, SYS_keyctl) == EPERM, "loaded: keyctl (refused) fails with EPERM");
    seccomp_plan_free(plan);
}

int main(void)
{
    alarm(60);
    if (seccomp_arch_native() != SCMP_ARCH_X86_64)
        return tap_skip_all("the cases are written for x86_64");
    test_errno_default();
    test_kill_default();
    test_no_prefix();
    test_arches();
    test_notify();
    test_kernel();
    return tap_done();
}
