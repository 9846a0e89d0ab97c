/* Reducing linux.resources.devices to a default and ordered exceptions. */
#include "devices.h"

#include <stdlib.h>

#include "common/cleanup.h"
#include "common/xalloc.h"

static const struct dev_rule default_allowed[] = {
    {true, 'c', -1, -1, "m"}, {true, 'b', -1, -1, "m"},  {true, 'c', 1, 3, "rwm"},   {true, 'c', 1, 8, "rwm"},
    {true, 'c', 1, 7, "rwm"}, {true, 'c', 5, 0, "rwm"},  {true, 'c', 1, 5, "rwm"},   {true, 'c', 1, 9, "rwm"},
    {true, 'c', 136, -1, "rwm"}, {true, 'c', 5, 2, "rwm"}, {true, 'c', 10, 200, "rwm"},
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

void dev_rules_reduce(const struct spec_device_rule *rules, size_t n, struct dev_rules *out)
{
    size_t start = 0;
    *out = (struct dev_rules){.default_allow = true};
    for (size_t i = 0; i < n; i++) {
        if (from_spec(&rules[i]).type == 'a') {
            start = i + 1;
            out->reset = true;
            out->default_allow = rules[i].allow;
        }
    }
    size_t n_defaults = out->default_allow ? 0 : sizeof(default_allowed) / sizeof(*default_allowed);
    out->list = xcalloc(n - start + n_defaults + 1, sizeof(*out->list));
    for (size_t i = start; i < n; i++)
        out->list[out->n++] = from_spec(&rules[i]);
    for (size_t i = 0; i < n_defaults; i++)
        out->list[out->n++] = default_allowed[i];
}

void dev_rules_free(struct dev_rules *r)
{
    free(r->list);
    r->list = NULL;
    r->n = 0;
}
