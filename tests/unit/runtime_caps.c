/* process.capabilities: the sets a child holds after the security steps
 * (read back from /proc/self/status), and the refusals. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runtime/security/caps.h"
#include "runtime/security/security.h"
#include "tests/unit/tap.h"

#define BIT(c) (UINT64_C(1) << (c))

struct sets {
    uint64_t bnd, eff, prm, inh, amb;
    int seccomp;
};

static uint64_t status_field(const char *text, const char *key)
{
    const char *p = strstr(text, key);
    return p ? strtoull(p + strlen(key), NULL, 16) : ~UINT64_C(0);
}

static void read_sets(struct sets *s)
{
    char buf[8192] = "";
    FILE *f = fopen("/proc/self/status", "re");
    size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
    buf[n] = '\0';
    if (f)
        fclose(f);
    s->bnd = status_field(buf, "CapBnd:\t");
    s->eff = status_field(buf, "CapEff:\t");
    s->prm = status_field(buf, "CapPrm:\t");
    s->inh = status_field(buf, "CapInh:\t");
    s->amb = status_field(buf, "CapAmb:\t");
    s->seccomp = (int)strtol(strstr(buf, "Seccomp:\t") + 9, NULL, 10);
}

struct run {
    uint32_t uid;                 /* switch to it between bounding and the rest */
    uint64_t start_inheritable;   /* inheritable set the "runtime" starts with */
};

/* Child: the init-process order of security.h; the sets go back through a pipe. */
static int run_child(struct spec *s, const struct run *r, struct sets *out)
{
    struct error *err = NULL;
    struct security_plan *p = NULL;
    if (security_validate(s, &err) < 0 || security_prepare(s, &p, &err) < 0) {
        fprintf(stderr, "# %s\n", err->msg);
        error_free(err);
        return -1;
    }
    int fds[2];
    if (pipe(fds) < 0)
        return -1;
    pid_t pid = fork();
    if (pid == 0) {
        close(fds[0]);
        if (r->start_inheritable) {
            cap_t c = cap_get_proc();
            for (int cap = 0; cap < 64; cap++)
                if (r->start_inheritable & BIT(cap)) {
                    cap_value_t v = cap;
                    cap_set_flag(c, CAP_INHERITABLE, 1, &v, CAP_SET);
                }
            cap_set_proc(c);
            cap_free(c);
        }
        if (security_drop_bounding(p, &err) < 0)
            _exit(10);
        if (r->uid) {
            prctl(PR_SET_KEEPCAPS, 1, 0, 0, 0);
            if (setresgid(r->uid, r->uid, r->uid) < 0 || setresuid(r->uid, r->uid, r->uid) < 0)
                _exit(11);
        }
        if (security_apply_caps(p, &err) < 0 || security_finish(p, NULL, NULL, &err) < 0) {
            fprintf(stderr, "# child: %s\n", err->msg);
            _exit(12);
        }
        struct sets got;
        memset(&got, 0, sizeof(got)); /* the padding goes down the pipe too */
        read_sets(&got);
        _exit(write(fds[1], &got, sizeof(got)) == sizeof(got) ? 0 : 13);
    }
    close(fds[1]);
    security_plan_free(p);
    ssize_t n = read(fds[0], out, sizeof(*out));
    close(fds[0]);
    int status;
    waitpid(pid, &status, 0);
    return n == sizeof(*out) && WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : -1;
}

static struct spec_capabilities web_caps = {
    .bounding = (char *[]){ "CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_KILL", "CAP_SETUID", "CAP_SETGID", NULL },
    .effective = (char *[]){ "CAP_CHOWN", "CAP_NET_BIND_SERVICE", NULL },
    .permitted = (char *[]){ "CAP_CHOWN", "CAP_NET_BIND_SERVICE", "CAP_KILL", NULL },
    .inheritable = (char *[]){ "CAP_NET_BIND_SERVICE", NULL },
    .ambient = (char *[]){ "CAP_NET_BIND_SERVICE", NULL },
};

static void test_sets_as_root(void)
{
    struct spec_process proc = { .capabilities = &web_caps };
    struct spec s = { .process = &proc };
    struct sets got;
    struct run r = { 0 };
    int rc = run_child(&s, &r, &got);
    ok(rc == 0, "root child applies the five sets");
    ok(got.bnd == (BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL) | BIT(CAP_SETUID) | BIT(CAP_SETGID)),
       "bounding is exactly the listed capabilities");
    ok(got.eff == (BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE)), "effective is exactly the listed capabilities");
    ok(got.prm == (BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE) | BIT(CAP_KILL)), "permitted is exactly the listed ones");
    ok(got.inh == BIT(CAP_NET_BIND_SERVICE), "inheritable is exactly the listed ones");
    ok(got.amb == BIT(CAP_NET_BIND_SERVICE), "ambient is exactly the listed ones");
}

static void test_sets_after_user_switch(void)
{
    struct spec_process proc = { .capabilities = &web_caps, .no_new_privileges = true };
    struct spec s = { .process = &proc };
    struct sets got;
    struct run r = { .uid = 1000 };
    ok(run_child(&s, &r, &got) == 0 && got.eff == (BIT(CAP_CHOWN) | BIT(CAP_NET_BIND_SERVICE)) &&
           got.amb == BIT(CAP_NET_BIND_SERVICE),
       "after switching to uid 1000 the effective and ambient sets are the configured ones");
}

static void test_no_inheritable_unless_asked(void)
{
    struct spec_capabilities c = {
        .bounding = (char *[]){ "CAP_CHOWN", "CAP_NET_RAW", NULL },
        .effective = (char *[]){ "CAP_CHOWN", NULL },
        .permitted = (char *[]){ "CAP_CHOWN", NULL },
    };
    struct spec_process proc = { .capabilities = &c };
    struct spec s = { .process = &proc };
    struct sets got;
    struct run r = { .start_inheritable = BIT(CAP_CHOWN) | BIT(CAP_NET_RAW) };
    ok(run_child(&s, &r, &got) == 0 && got.inh == 0 && got.amb == 0,
       "CVE-2022-29162: no inheritable set when none is configured, whatever the runtime had");
    proc.capabilities = NULL;
    ok(run_child(&s, &r, &got) == 0 && got.inh == 0 && got.amb == 0 && got.eff != 0,
       "without process.capabilities: root keeps its sets but inheritable is cleared");
}

static void test_seccomp_without_nnp(void)
{
    struct spec_capabilities c = {
        .bounding = (char *[]){ "CAP_CHOWN", NULL },
        .effective = (char *[]){ "CAP_CHOWN", NULL },
        .permitted = (char *[]){ "CAP_CHOWN", NULL },
    };
    struct spec_seccomp_syscall rule = { .names = (char *[]){ "getpriority", NULL }, .action = "SCMP_ACT_ERRNO" };
    struct spec_seccomp sc = { .default_action = "SCMP_ACT_ALLOW", .syscalls = &rule, .n_syscalls = 1 };
    struct spec_linux lin = { .seccomp = &sc };
    struct spec_process proc = { .capabilities = &c };
    struct spec s = { .process = &proc, .linux_ = &lin };
    struct sets got;
    struct run r = { 0 };
    ok(run_child(&s, &r, &got) == 0 && got.seccomp == 2 && got.eff == BIT(CAP_CHOWN) && got.prm == BIT(CAP_CHOWN),
       "seccomp without noNewPrivileges loads, and CAP_SYS_ADMIN is gone afterwards");
}

static int validate_error(struct spec_capabilities *c, const char *needle)
{
    struct spec_process proc = { .capabilities = c };
    struct spec s = { .process = &proc };
    struct error *err = NULL;
    int good = security_validate(&s, &err) < 0 && err->exit_class == EXIT_INVALID && strstr(err->msg, needle);
    if (!good)
        fprintf(stderr, "# got: %s\n", err ? err->msg : "(no error)");
    error_free(err);
    return good;
}

static void test_refusals(void)
{
    struct spec_capabilities c = { .bounding = (char *[]){ "CAP_CHOWN", "CAP_FLY", NULL } };
    struct spec_process cproc = { .capabilities = &c };
    struct spec cs = { .process = &cproc };
    struct error *cerr = NULL;
    ok(security_validate(&cs, &cerr) == 0, "an unknown capability name is not refused (runc warns and skips it)");
    error_free(cerr);
    struct spec_capabilities e = { .effective = (char *[]){ "CAP_KILL", NULL } };
    ok(validate_error(&e, "process.capabilities.effective: CAP_KILL is not in permitted"),
       "effective outside permitted is refused");
    struct spec_capabilities l = { .bounding = (char *[]){ "cap_chown", NULL } };
    struct spec_process proc = { .capabilities = &l };
    struct spec s = { .process = &proc };
    struct error *err = NULL;
    ok(security_validate(&s, &err) == 0, "names are case-insensitive, as runc accepts them");
    error_free(err);
}

static void test_ambient_needs_inheritable(void)
{
    struct spec_capabilities c = {
        .permitted = (char *[]){ "CAP_KILL", "CAP_CHOWN", NULL },
        .inheritable = (char *[]){ "CAP_CHOWN", NULL },
        .ambient = (char *[]){ "CAP_KILL", "CAP_CHOWN", NULL },
    };
    struct caps_plan p;
    caps_plan_build(&c, caps_last_cap(), 1000, &p);
    ok(p.ambient == BIT(CAP_CHOWN), "ambient capabilities not inheritable are dropped (as the kernel would), with a warning");
}

static void test_kernel_lacks(void)
{
    char *names[] = { "CAP_CHOWN", "CAP_PERFMON", "CAP_BPF", NULL };
    ok(caps_mask_from_names(names, "bounding", CAP_AUDIT_READ) == BIT(CAP_CHOWN),
       "names above the kernel's cap_last_cap are skipped (with a warning)");
    ok(caps_last_cap() >= CAP_AUDIT_READ, "cap_last_cap is read from the kernel");
}

int main(void)
{
    test_sets_as_root();
    test_sets_after_user_switch();
    test_no_inheritable_unless_asked();
    test_seccomp_without_nnp();
    test_refusals();
    test_ambient_needs_inheritable();
    test_kernel_lacks();
    return tap_done();
}
