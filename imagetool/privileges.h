/* --cap-add, --cap-drop, --seccomp and --privileged: loosening (or
 * tightening) Docker's defaults the way `docker run` does. */
#ifndef IMAGETOOL_PRIVILEGES_H
#define IMAGETOOL_PRIVILEGES_H

#include <stdbool.h>

#include "common/error.h"
#include "common/spec.h"

struct privilege_opts {
    char **cap_add;      /* names with or without CAP_, any case, or ALL */
    char **cap_drop;
    const char *seccomp; /* NULL: the default profile; "unconfined"; or a profile file */
    bool privileged;     /* every capability, no seccomp, no masked paths, all devices */
};

/* Apply to a spec built by defaults_new_spec. Unknown capability names are
 * EXIT_USAGE; an unreadable or malformed profile is EXIT_INVALID. */
int privileges_apply(struct spec *s, const struct privilege_opts *o, struct error **err);
/* Added: "net_admin" / "CAP_NET_ADMIN" -> "CAP_NET_ADMIN" ("ALL" stays);
 * an unknown name is EXIT_INVALID naming what (for image-given sets). */
int privileges_cap_name(const char *what, const char *name, char **out, struct error **err);
/* caps (taken) become the bounding set; effective and permitted copy it. */
void privileges_set_caps(struct spec_capabilities *c, char **caps);
void privilege_opts_clear(struct privilege_opts *o);

#endif
