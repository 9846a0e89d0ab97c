/* Device rules on cgroup v2: the kernel takes them only as an eBPF program
 * (BPF_PROG_TYPE_CGROUP_DEVICE) attached to the cgroup. We compile the
 * reduced rules into one: the last matching rule decides, else the default.
 * The program stays attached after its fd is closed, for the cgroup's life. */
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <stddef.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"
#include "common/xalloc.h"
#include "devices.h"

enum { R0, R1, R2, R3, R4, R5 };

static struct bpf_insn insn(uint8_t code, uint8_t dst, uint8_t src, int16_t off, int32_t imm)
{
    return (struct bpf_insn){.code = code, .dst_reg = dst, .src_reg = src, .off = off, .imm = imm};
}

static uint32_t access_mask(const char *access)
{
    uint32_t m = 0;
    for (const char *c = access; *c; c++)
        m |= *c == 'r' ? BPF_DEVCG_ACC_READ : *c == 'w' ? BPF_DEVCG_ACC_WRITE : *c == 'm' ? BPF_DEVCG_ACC_MKNOD : 0;
    return m;
}

/* Append the checks of one rule; every failed check jumps past the block. */
static size_t emit_rule(struct bpf_insn *p, const struct dev_rule *r)
{
    size_t n = 0;
    size_t jumps[5], n_jumps = 0;
    if (r->type != 'a') {
        jumps[n_jumps++] = n;
        p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, R2, 0, 0, r->type == 'b' ? BPF_DEVCG_DEV_BLOCK : BPF_DEVCG_DEV_CHAR);
    }
    /* An allow rule must cover every access asked for; a deny rule
     * matches when it covers any of them. */
    uint32_t mask = access_mask(r->access);
    p[n++] = insn(BPF_ALU | BPF_MOV | BPF_X, R0, R3, 0, 0);
    p[n++] = insn(BPF_ALU | BPF_AND | BPF_K, R0, 0, 0, (int32_t)(r->allow ? ~mask & 0xffff : mask));
    jumps[n_jumps++] = n;
    p[n++] = insn(BPF_JMP | (r->allow ? BPF_JNE : BPF_JEQ) | BPF_K, R0, 0, 0, 0);
    if (r->major >= 0) {
        jumps[n_jumps++] = n;
        p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, R4, 0, 0, (int32_t)r->major);
    }
    if (r->minor >= 0) {
        jumps[n_jumps++] = n;
        p[n++] = insn(BPF_JMP | BPF_JNE | BPF_K, R5, 0, 0, (int32_t)r->minor);
    }
    p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, r->allow ? 1 : 0);
    p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    for (size_t i = 0; i < n_jumps; i++)
        p[jumps[i]].off = (int16_t)(n - jumps[i] - 1);
    return n;
}

static size_t compile(const struct dev_rules *rules, struct bpf_insn *p)
{
    size_t n = 0;
    /* r2 = device type, r3 = access asked for, r4 = major, r5 = minor */
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, R2, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
    p[n++] = insn(BPF_ALU | BPF_AND | BPF_K, R2, 0, 0, 0xffff);
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, R3, R1, offsetof(struct bpf_cgroup_dev_ctx, access_type), 0);
    p[n++] = insn(BPF_ALU | BPF_RSH | BPF_K, R3, 0, 0, 16);
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, R4, R1, offsetof(struct bpf_cgroup_dev_ctx, major), 0);
    p[n++] = insn(BPF_LDX | BPF_MEM | BPF_W, R5, R1, offsetof(struct bpf_cgroup_dev_ctx, minor), 0);
    for (size_t i = rules->n; i > 0; i--)
        n += emit_rule(p + n, &rules->list[i - 1]);
    p[n++] = insn(BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, rules->default_allow ? 1 : 0);
    p[n++] = insn(BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
    return n;
}

static int load(const struct bpf_insn *prog, size_t n, struct error **err)
{
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.prog_type = BPF_PROG_TYPE_CGROUP_DEVICE;
    attr.insns = (uintptr_t)prog;
    attr.insn_cnt = (uint32_t)n;
    attr.license = (uintptr_t) "Apache-2.0";
    int fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &attr, sizeof(attr));
    if (fd < 0)
        return error_set(err, errno, "load the eBPF device filter (%zu instructions)", n);
    return fd;
}

int cg_v2_devices(const char *dir, const struct spec_device_rule *rules, size_t n, struct error **err)
{
    struct dev_rules reduced;
    dev_rules_reduce(rules, n, &reduced);
    if (reduced.default_allow && reduced.n == 0) {
        dev_rules_free(&reduced);
        return 0; /* allow everything: nothing to attach */
    }
    /* At most 10 instructions a rule, plus prologue and epilogue. */
    CLEANUP_FREE struct bpf_insn *prog = xcalloc(reduced.n * 10 + 8, sizeof(*prog));
    size_t len = compile(&reduced, prog);
    dev_rules_free(&reduced);
    CLEANUP_CLOSE int prog_fd = load(prog, len, err);
    if (prog_fd < 0)
        return -1;
    CLEANUP_CLOSE int dir_fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
    if (dir_fd < 0)
        return error_set(err, errno, "open %s", dir);
    union bpf_attr attr;
    memset(&attr, 0, sizeof(attr));
    attr.target_fd = (uint32_t)dir_fd;
    attr.attach_bpf_fd = (uint32_t)prog_fd;
    attr.attach_type = BPF_CGROUP_DEVICE;
    attr.attach_flags = BPF_F_ALLOW_MULTI;
    if (syscall(SYS_bpf, BPF_PROG_ATTACH, &attr, sizeof(attr)) < 0)
        return error_set(err, errno, "attach the eBPF device filter to %s", dir);
    return 0;
}
