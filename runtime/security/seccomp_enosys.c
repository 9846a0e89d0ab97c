/* Syscalls newer than the profile fail with ENOSYS, not with the profile's
 * default action: libc then falls back (clone3 -> clone, faccessat2 ->
 * faccessat) as on an older kernel. A short BPF prefix in front of
 * libseccomp's program compares the syscall number with the highest one the
 * profile names, per architecture; everything else goes on to libseccomp's
 * program unchanged. */
#include "seccomp_plan.h"

#include <errno.h>
#include <linux/audit.h>
#include <linux/seccomp.h>
#include <seccomp.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "common/xalloc.h"

#define X32_SYSCALL_BIT 0x40000000u
#define ARM_NR_BASE 0x0f0000u
#define MAX_BLOCKS 3
#define NO_MAX UINT64_MAX

/* Some architectures number their syscalls in separate blocks: x86_64
 * carries x32 (bit 30 set, its compat calls from 512 up) and ARM its
 * private calls from 0x0f0000. "Newer" is judged within a block, and a
 * block the profile names nothing in is left to libseccomp (for x32 not
 * in the profile that is its bad-architecture action). */
struct section {
    uint32_t audit_arch;
    size_t n_blocks;
    uint32_t start[MAX_BLOCKS]; /* ascending, start[0] == 0 */
    uint64_t max[MAX_BLOCKS];   /* highest syscall named in the block, or NO_MAX */
};

static void section_init(struct section *s, uint32_t audit_arch)
{
    static const struct {
        uint32_t arch;
        size_t n;
        uint32_t start[MAX_BLOCKS];
    } layouts[] = {
        { AUDIT_ARCH_X86_64, 3, { 0, X32_SYSCALL_BIT, X32_SYSCALL_BIT + 512 } },
        { AUDIT_ARCH_ARM, 2, { 0, ARM_NR_BASE, 0 } },
    };
    memset(s, 0, sizeof(*s));
    s->audit_arch = audit_arch;
    s->n_blocks = 1;
    for (size_t i = 0; i < sizeof(layouts) / sizeof(layouts[0]); i++)
        if (layouts[i].arch == audit_arch) {
            s->n_blocks = layouts[i].n;
            memcpy(s->start, layouts[i].start, sizeof(s->start));
        }
    for (size_t b = 0; b < MAX_BLOCKS; b++)
        s->max[b] = NO_MAX;
}

static void section_note(struct section *s, uint32_t nr)
{
    size_t b = s->n_blocks - 1;
    while (nr < s->start[b])
        b--;
    if (s->max[b] == NO_MAX || nr > s->max[b])
        s->max[b] = nr;
}

static bool section_used(const struct section *s)
{
    for (size_t b = 0; b < s->n_blocks; b++)
        if (s->max[b] != NO_MAX)
            return true;
    return false;
}

/* x32 syscalls reach the filter with the x86_64 audit architecture. */
static uint32_t audit_arch_of(uint32_t scmp_arch)
{
    return scmp_arch == SCMP_ARCH_X32 ? AUDIT_ARCH_X86_64 : scmp_arch;
}

static struct section *section_for(struct section *secs, size_t *n, uint32_t audit_arch)
{
    for (size_t i = 0; i < *n; i++)
        if (secs[i].audit_arch == audit_arch)
            return &secs[i];
    section_init(&secs[*n], audit_arch);
    return &secs[(*n)++];
}

/* Every syscall the profile names counts, whatever its action: one the
 * profile allows, refuses or leaves to the default is known to it. Names
 * libseccomp cannot resolve, and the negative pseudo-numbers it gives
 * multiplexed calls (socketcall on i386, s390), tell nothing. */
static void note_names(const struct spec_seccomp *sc, uint32_t scmp_arch, struct section *s)
{
    for (size_t i = 0; i < sc->n_syscalls; i++)
        for (size_t n = 0; sc->syscalls[i].names && sc->syscalls[i].names[n]; n++) {
            int nr = seccomp_syscall_resolve_name_arch(scmp_arch, sc->syscalls[i].names[n]);
            if (nr >= 0)
                section_note(s, (uint32_t)nr);
        }
}

/* The architectures in the filter: the native one and the profile's. */
static size_t collect_sections(const struct spec_seccomp *sc, struct section **out)
{
    size_t cap = 1, n = 0;
    for (size_t i = 0; sc->architectures && sc->architectures[i]; i++)
        cap++;
    struct section *secs = xcalloc(cap, sizeof(*secs));
    uint32_t native = seccomp_arch_native();
    note_names(sc, native, section_for(secs, &n, audit_arch_of(native)));
    for (size_t i = 0; sc->architectures && sc->architectures[i]; i++) {
        uint32_t arch;
        if (seccomp_arch_from_name(sc->architectures[i], &arch) < 0 || arch == native)
            continue;
        note_names(sc, arch, section_for(secs, &n, audit_arch_of(arch)));
    }
    *out = secs;
    return n;
}

bool seccomp_enosys_needed(uint32_t default_action)
{
    /* A tracer is expected to handle new syscalls itself, as runc reasons. */
    uint32_t kind = default_action & SECCOMP_RET_ACTION_FULL;
    if (default_action == SCMP_ACT_ALLOW || default_action == SCMP_ACT_LOG || kind == SCMP_ACT_TRACE(0))
        return false;
    return default_action != SCMP_ACT_ERRNO(ENOSYS);
}

/* Jump targets resolved once the prefix's length is known. */
enum { TO_ENOSYS = -1, TO_FILTER = -2 };

struct emitter {
    struct sock_filter *insns;
    long *jt, *jf; /* absolute targets (or TO_*), for the jumps */
    size_t n, cap;
};

static void emit(struct emitter *e, uint16_t code, uint32_t k, long jt, long jf)
{
    if (e->n == e->cap) {
        e->cap = e->cap ? 2 * e->cap : 32;
        e->insns = xrealloc(e->insns, e->cap * sizeof(*e->insns));
        e->jt = xrealloc(e->jt, e->cap * sizeof(*e->jt));
        e->jf = xrealloc(e->jf, e->cap * sizeof(*e->jf));
    }
    e->insns[e->n] = (struct sock_filter){ code, 0, 0, k };
    e->jt[e->n] = jt;
    e->jf[e->n] = jf;
    e->n++;
}

/* The check for one block: a single instruction. */
static void emit_block(struct emitter *e, uint64_t max)
{
    if (max == NO_MAX)
        emit(e, BPF_JMP | BPF_JA, 0, TO_FILTER, 0);
    else
        emit(e, BPF_JMP | BPF_JGT | BPF_K, (uint32_t)max, TO_ENOSYS, TO_FILTER);
}

/*   jeq arch, 0, next-section
 *   ld nr
 *   jge start[k], 0, 1 ; block k check   (highest block first)
 *   ...
 *   block 0 check                         */
static void emit_section(struct emitter *e, const struct section *s, bool last)
{
    size_t len = 3 + 2 * (s->n_blocks - 1);
    long next = last ? TO_FILTER : (long)(e->n + len);
    emit(e, BPF_JMP | BPF_JEQ | BPF_K, s->audit_arch, (long)e->n + 1, next);
    emit(e, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr), 0, 0);
    for (size_t b = s->n_blocks - 1; b > 0; b--) {
        emit(e, BPF_JMP | BPF_JGE | BPF_K, s->start[b], (long)e->n + 1, (long)e->n + 2);
        emit_block(e, s->max[b]);
    }
    emit_block(e, s->max[0]);
}

static int resolve(long target, size_t at, size_t len, uint8_t *off)
{
    long abs = target == TO_ENOSYS ? (long)len - 1 : target == TO_FILTER ? (long)len : target;
    long rel = abs - (long)at - 1;
    if (rel < 0 || rel > 255)
        return -1;
    *off = (uint8_t)rel;
    return 0;
}

static int finish(struct emitter *e, struct error **err)
{
    emit(e, BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (ENOSYS & SECCOMP_RET_DATA), 0, 0);
    for (size_t i = 0; i < e->n; i++) {
        uint16_t cls = BPF_CLASS(e->insns[i].code);
        if (cls != BPF_JMP)
            continue;
        if (BPF_OP(e->insns[i].code) == BPF_JA) {
            e->insns[i].k = (uint32_t)(e->n - i - 1); /* only ever to the filter */
            continue;
        }
        if (resolve(e->jt[i], i, e->n, &e->insns[i].jt) < 0 || resolve(e->jf[i], i, e->n, &e->insns[i].jf) < 0)
            return error_setc(err, EXIT_INVALID, 0, "linux.seccomp: too many architectures for the ENOSYS prefix");
    }
    return 0;
}

int seccomp_enosys_prefix(const struct spec_seccomp *sc, uint32_t default_action, struct sock_filter **out,
                          size_t *n_out, struct error **err)
{
    *out = NULL;
    *n_out = 0;
    if (!seccomp_enosys_needed(default_action))
        return 0;
    struct section *secs = NULL;
    size_t n_secs = collect_sections(sc, &secs);
    size_t used = 0, last = 0;
    for (size_t i = 0; i < n_secs; i++)
        if (section_used(&secs[i]))
            used++, last = i;
    struct emitter e = { 0 };
    if (used > 0) {
        emit(&e, BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch), 0, 0);
        for (size_t i = 0; i < n_secs; i++)
            if (section_used(&secs[i]))
                emit_section(&e, &secs[i], i == last);
    }
    free(secs);
    int rc = used > 0 ? finish(&e, err) : 0;
    free(e.jt);
    free(e.jf);
    if (rc < 0) {
        free(e.insns);
        return -1;
    }
    *out = e.insns;
    *n_out = e.n;
    return 0;
}

int seccomp_enosys_patch(const struct spec_seccomp *sc, uint32_t default_action, struct seccomp_plan *p,
                         struct error **err)
{
    struct sock_filter *prefix;
    size_t n;
    if (seccomp_enosys_prefix(sc, default_action, &prefix, &n, err) < 0)
        return -1;
    if (n == 0)
        return 0;
    size_t total = n + p->n_insns;
    if (total > BPF_MAXINSNS) {
        free(prefix);
        return error_setc(err, EXIT_INVALID, 0, "linux.seccomp: the filter has %zu instructions (limit %d)", total,
                          BPF_MAXINSNS);
    }
    prefix = xrealloc(prefix, total * sizeof(*prefix));
    memcpy(prefix + n, p->insns, p->n_insns * sizeof(*prefix));
    free(p->insns);
    p->insns = prefix;
    p->n_insns = (unsigned short)total;
    return 0;
}
