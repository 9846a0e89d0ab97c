/* The v1 devices controller: the reduced rules as devices.allow and
 * devices.deny lines. */
#include <inttypes.h>
#include <stdio.h>

#include "cgroup_internal.h"
#include "devices.h"

static void number(char *buf, size_t len, int64_t v)
{
    if (v < 0)
        snprintf(buf, len, "*");
    else
        snprintf(buf, len, "%" PRId64, v);
}

static int write_rule(const char *dir, const struct dev_rule *r, struct error **err)
{
    char major[24], minor[24];
    number(major, sizeof(major), r->major);
    number(minor, sizeof(minor), r->minor);
    return cg_writef(dir, r->allow ? "devices.allow" : "devices.deny", err, "%c %s:%s %s", r->type, major, minor,
                     r->access);
}

int cg_v1_devices(const char *dir, const struct spec_device_rule *rules, size_t n, struct error **err)
{
    struct dev_rules reduced;
    dev_rules_reduce(rules, n, &reduced);
    int rc = 0;
    if (reduced.reset && cg_write(dir, reduced.default_allow ? "devices.allow" : "devices.deny", "a", err) < 0)
        rc = -1;
    for (size_t i = 0; rc == 0 && i < reduced.n; i++)
        rc = write_rule(dir, &reduced.list[i], err);
    dev_rules_free(&reduced);
    return rc;
}
