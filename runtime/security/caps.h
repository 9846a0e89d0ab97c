/* process.capabilities: names to bit masks, and applying them with libcap. */
#ifndef RUNTIME_SECURITY_CAPS_H
#define RUNTIME_SECURITY_CAPS_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/spec.h"

struct caps_plan {
    bool configured; /* process.capabilities present */
    uint64_t bounding, effective, permitted, inheritable, ambient;
};

/* Capability number for "CAP_CHOWN" (the kernel's names), or -1. */
int caps_from_name(const char *name);
const char *caps_name(int cap);
/* The highest capability the running kernel knows (cap_last_cap). */
int caps_last_cap(void);

/* Whether this process has cap in its effective set. */
bool caps_have_effective(int cap);

/* Unknown names and an effective set beyond the permitted one are errors
 * (EXIT_INVALID) naming the field. */
int caps_validate(const struct spec_capabilities *c, struct error **err);
/* Names the kernel lacks (above last_cap) are warned about and skipped. */
uint64_t caps_mask_from_names(char *const *names, const char *field, int last_cap);
/* Ambient capabilities outside permitted and inheritable are dropped (the
 * kernel would refuse them), with a warning when uid is not root. */
void caps_plan_build(const struct spec_capabilities *c, int last_cap, uint32_t uid, struct caps_plan *out);

/* Child side. drop_bounding needs CAP_SETPCAP (before the user switch);
 * apply sets effective/permitted/inheritable to the plan plus "extra"
 * (temporarily kept capabilities), raise_ambient then sets the ambient set. */
int caps_drop_bounding(const struct caps_plan *p, struct error **err);
int caps_apply_sets(const struct caps_plan *p, uint64_t extra, struct error **err);
int caps_raise_ambient(const struct caps_plan *p, struct error **err);

#endif
