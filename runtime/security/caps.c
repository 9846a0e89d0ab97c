/* Capability sets: validated in the parent, applied with libcap in the
 * container's init process. */
#include "caps.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/capability.h>
#include <sys/prctl.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strv.h"

#define BIT(c) (UINT64_C(1) << (c))

struct cap_list {
    const char *field;
    size_t offset;
};

static const struct cap_list cap_lists[] = {
    { "bounding", offsetof(struct spec_capabilities, bounding) },
    { "effective", offsetof(struct spec_capabilities, effective) },
    { "inheritable", offsetof(struct spec_capabilities, inheritable) },
    { "permitted", offsetof(struct spec_capabilities, permitted) },
    { "ambient", offsetof(struct spec_capabilities, ambient) },
};

static char *const *list_of(const struct spec_capabilities *c, const struct cap_list *l)
{
    return *(char *const *const *)((const char *)c + l->offset);
}

/* Masks over every known name, for validation (the kernel's limit aside). */
static uint64_t mask_all_known(char *const *names)
{
    uint64_t m = 0;
    for (size_t i = 0; names && names[i]; i++) {
        int cap = caps_from_name(names[i]);
        if (cap >= 0)
            m |= BIT(cap);
    }
    return m;
}

static int check_subset(uint64_t sub, uint64_t super, const char *what, const char *of, struct error **err)
{
    uint64_t extra = sub & ~super;
    if (extra == 0)
        return 0;
    int cap = __builtin_ctzll(extra);
    return error_setc(err, EXIT_INVALID, 0,
                      "process.capabilities.%s: %s is not in %s (the kernel would refuse it)",
                      what, caps_name(cap), of);
}

static int cmp_names(const void *a, const void *b)
{
    return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names this runtime does not know are skipped with runc's one warning:
 * clients write configs for newer kernels. */
static void warn_unknown(const struct spec_capabilities *c)
{
    CLEANUP_STRV char **unknown = NULL;
    for (size_t l = 0; l < sizeof(cap_lists) / sizeof(cap_lists[0]); l++) {
        char *const *names = list_of(c, &cap_lists[l]);
        for (size_t i = 0; names && names[i]; i++)
            if (caps_from_name(names[i]) < 0 && !strv_contains(unknown, names[i]))
                strv_append(&unknown, names[i]);
    }
    if (unknown == NULL)
        return;
    qsort(unknown, strv_len(unknown), sizeof(*unknown), cmp_names);
    CLEANUP_FREE char *list = strv_join(unknown, " ");
    log_warn("ignoring unknown or unavailable capabilities: [%s]", list);
}

int caps_validate(const struct spec_capabilities *c, struct error **err)
{
    if (c == NULL)
        return 0;
    warn_unknown(c);
    return check_subset(mask_all_known(c->effective), mask_all_known(c->permitted), "effective", "permitted", err);
}

uint64_t caps_mask_from_names(char *const *names, const char *field, int last_cap)
{
    uint64_t m = 0;
    for (size_t i = 0; names && names[i]; i++) {
        int cap = caps_from_name(names[i]);
        if (cap < 0)
            continue; /* warned by caps_validate */
        if (cap > last_cap) {
            log_warn("process.capabilities.%s: %s is not known to the running kernel; skipped", field, names[i]);
            continue;
        }
        m |= BIT(cap);
    }
    return m;
}

void caps_plan_build(const struct spec_capabilities *c, int last_cap, uint32_t uid, struct caps_plan *out)
{
    *out = (struct caps_plan){ .configured = c != NULL };
    if (c == NULL)
        return;
    out->bounding = caps_mask_from_names(c->bounding, "bounding", last_cap);
    out->effective = caps_mask_from_names(c->effective, "effective", last_cap);
    out->permitted = caps_mask_from_names(c->permitted, "permitted", last_cap);
    out->inheritable = caps_mask_from_names(c->inheritable, "inheritable", last_cap);
    uint64_t ambient = caps_mask_from_names(c->ambient, "ambient", last_cap);
    out->ambient = ambient & out->permitted & out->inheritable;
    /* The kernel raises only what is both permitted and inheritable. runc's
     * default config lists ambient capabilities without inheritable ones;
     * for root that changes nothing, so only warn for other users. */
    uint64_t dropped = ambient & ~out->ambient;
    for (int cap = 0; dropped && uid != 0 && cap <= last_cap; cap++)
        if (dropped & BIT(cap))
            log_warn("process.capabilities.ambient: %s not raised: it is not both permitted and inheritable",
                     caps_name(cap));
}

int caps_drop_bounding(const struct caps_plan *p, struct error **err)
{
    if (!p->configured)
        return 0;
    int last = caps_last_cap();
    for (int cap = 0; cap <= last; cap++) {
        if (p->bounding & BIT(cap))
            continue;
        if (cap_drop_bound((cap_value_t)cap) < 0 && errno != EINVAL)
            return error_set(err, errno, "drop %s from the bounding set", caps_name(cap));
    }
    return 0;
}

static void set_flag_mask(cap_t c, cap_flag_t flag, uint64_t mask, int last)
{
    for (int cap = 0; cap <= last; cap++) {
        if (!(mask & BIT(cap)))
            continue;
        cap_value_t v = (cap_value_t)cap;
        cap_set_flag(c, flag, 1, &v, CAP_SET);
    }
}

static uint64_t current_permitted(int last)
{
    uint64_t m = 0;
    cap_t cur = cap_get_proc();
    if (cur == NULL)
        return 0;
    for (int cap = 0; cap <= last; cap++) {
        cap_flag_value_t v = CAP_CLEAR;
        if (cap_get_flag(cur, (cap_value_t)cap, CAP_PERMITTED, &v) == 0 && v == CAP_SET)
            m |= BIT(cap);
    }
    cap_free(cur);
    return m;
}

bool caps_have_effective(int cap)
{
    cap_t cur = cap_get_proc();
    if (cur == NULL)
        return false;
    cap_flag_value_t v = CAP_CLEAR;
    int rc = cap_get_flag(cur, (cap_value_t)cap, CAP_EFFECTIVE, &v);
    cap_free(cur);
    return rc == 0 && v == CAP_SET;
}

int caps_apply_sets(const struct caps_plan *p, uint64_t extra, struct error **err)
{
    int last = caps_last_cap();
    uint64_t have = current_permitted(last);
    /* Unconfigured: keep what we have, but never pass on an inheritable
     * set nobody asked for (CVE-2022-29162). */
    uint64_t eff = p->configured ? p->effective : have;
    uint64_t perm = p->configured ? p->permitted : have;
    uint64_t inh = p->configured ? p->inheritable : 0;
    extra &= have;
    cap_t c = cap_init();
    if (c == NULL)
        return error_set(err, errno, "cap_init");
    set_flag_mask(c, CAP_EFFECTIVE, eff | extra, last);
    set_flag_mask(c, CAP_PERMITTED, perm | extra, last);
    set_flag_mask(c, CAP_INHERITABLE, inh, last);
    int rc = cap_set_proc(c);
    int saved = errno;
    cap_free(c);
    if (rc < 0)
        return error_set(err, saved, "set capabilities (effective, permitted, inheritable)");
    return 0;
}

int caps_raise_ambient(const struct caps_plan *p, struct error **err)
{
    if (cap_reset_ambient() < 0 && errno != EINVAL)
        return error_set(err, errno, "clear the ambient capability set");
    int last = caps_last_cap();
    for (int cap = 0; cap <= last; cap++) {
        if (!(p->ambient & BIT(cap)))
            continue;
        if (cap_set_ambient((cap_value_t)cap, CAP_SET) < 0)
            return error_set(err, errno, "raise ambient capability %s", caps_name(cap));
    }
    return 0;
}
