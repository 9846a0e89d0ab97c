/* The v1 devices controller: linux.resources.devices as devices.allow and
 * devices.deny lines, followed by the devices every container gets (runc's
 * default allow list: null, zero, full, random, urandom, tty, ptmx, pts,
 * tun, and mknod of anything). */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "cgroup_internal.h"
#include "common/cleanup.h"

struct dev_rule {
    bool allow;
    char type; /* a c b */
    int64_t major, minor; /* -1 = any */
    const char *access;
};

static const struct dev_rule default_rules[] = {
    {true, 'c', -1, -1, "m"},   {true, 'b', -1, -1, "m"},    {true, 'c', 1, 3, "rwm"},
    {true, 'c', 1, 8, "rwm"},   {true, 'c', 1, 7, "rwm"},    {true, 'c', 5, 0, "rwm"},
    {true, 'c', 1, 5, "rwm"},   {true, 'c', 1, 9, "rwm"},    {true, 'c', 136, -1, "rwm"},
    {true, 'c', 5, 2, "rwm"},   {true, 'c', 10, 200, "rwm"},
};

static struct dev_rule from_spec(const struct spec_device_rule *s)
{
    return (struct dev_rule){
        .allow = s->allow,
        .type = s->type && *s->type ? s->type[0] : 'a',
        .major = s->has_major ? s->major : -1,
        .minor = s->has_minor ? s->minor : -1,
        .access = s->access && *s->access ? s->access : "rwm",
    };
}

static void number(char *buf, size_t len, int64_t v)
{
    if (v < 0)
        snprintf(buf, len, "*");
    else
        snprintf(buf, len, "%" PRId64, v);
}

static int write_rule(const char *dir, const struct dev_rule *r, struct error **err)
{
    const char *file = r->allow ? "devices.allow" : "devices.deny";
    char major[24], minor[24];
    number(major, sizeof(major), r->major);
    number(minor, sizeof(minor), r->minor);
    return cg_writef(dir, file, err, "%c %s:%s %s", r->type, major, minor, r->access);
}

int cg_v1_devices(const char *dir, const struct spec_device_rule *rules, size_t n, struct error **err)
{
    /* A rule of type "a" resets the controller to allow-all or deny-all and
     * forgets what came before (the kernel's semantics); start from the
     * last such rule. */
    size_t start = 0;
    bool reset = false, allow_all = true;
    for (size_t i = 0; i < n; i++) {
        struct dev_rule r = from_spec(&rules[i]);
        if (r.type == 'a') {
            start = i + 1;
            reset = true;
            allow_all = r.allow;
        }
    }
    if (reset && cg_write(dir, allow_all ? "devices.allow" : "devices.deny", "a", err) < 0)
        return -1;
    for (size_t i = start; i < n; i++) {
        struct dev_rule r = from_spec(&rules[i]);
        if (write_rule(dir, &r, err) < 0)
            return -1;
    }
    if (allow_all)
        return 0; /* allow-all: the default list adds nothing */
    for (size_t i = 0; i < sizeof(default_rules) / sizeof(*default_rules); i++)
        if (write_rule(dir, &default_rules[i], err) < 0)
            return -1;
    return 0;
}
