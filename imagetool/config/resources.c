/* --cpus, --memory and --pids-limit: parsing and their place in config.json. */
#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "imagetool/config/resources.h"

#define CPUS_MAX 1e6

/* Positive values only; avoids pulling in libm for llround. */
static int64_t round_positive(double v)
{
    return (int64_t)(v + 0.5);
}

int parse_cpus(const char *text, double *out, struct error **err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    if (errno || end == text || *end || !isfinite(v) || v <= 0 || v > CPUS_MAX || !isdigit((unsigned char)*text))
        return error_setc(err, EXIT_USAGE, 0, "--cpus: \"%s\" is not a positive number of CPUs", text);
    *out = v;
    return 0;
}

/* Multiplier for a unit suffix ("", "b", "k", "kb", "kib", ...), 0 if unknown. */
static double unit_multiplier(const char *suffix)
{
    static const char units[] = "bkmgt";
    if (!*suffix)
        return 1;
    const char *u = strchr(units, tolower((unsigned char)*suffix));
    if (!u)
        return 0;
    const char *rest = suffix + 1;
    if (*u != 'b' && *rest && strcasecmp(rest, "b") != 0 && strcasecmp(rest, "ib") != 0)
        return 0;
    if (*u == 'b' && *rest)
        return 0;
    return (double)(1ULL << (10 * (u - units)));
}

/* Docker's floor: below it the container dies before it starts. */
#define MEMORY_LIMIT_MIN (6 << 20)

int parse_memory_size(const char *text, int64_t *out, struct error **err)
{
    char *end;
    errno = 0;
    double v = strtod(text, &end);
    double mult = end == text ? 0 : unit_multiplier(end);
    double bytes = v * mult;
    if (errno || mult == 0 || !isdigit((unsigned char)*text) || !isfinite(bytes) || bytes < 1 ||
        bytes >= 9.2e18)
        return error_setc(err, EXIT_USAGE, 0,
                          "--memory: \"%s\" is not a size (a number with an optional k, m, g or t suffix)", text);
    *out = round_positive(bytes);
    if (*out < MEMORY_LIMIT_MIN)
        return error_setc(err, EXIT_USAGE, 0, "--memory %s: Minimum memory limit allowed is 6MB", text);
    return 0;
}

int parse_pids_limit(const char *text, int64_t *out, struct error **err)
{
    char *end;
    errno = 0;
    long long v = strtoll(text, &end, 10);
    if (errno || end == text || *end || (v <= 0 && v != -1))
        return error_setc(err, EXIT_USAGE, 0, "--pids-limit: \"%s\" is not a positive number (or -1)", text);
    *out = v;
    return 0;
}

static void apply_cpus(struct spec_resources *r, double cpus)
{
    uint64_t shares = (uint64_t)round_positive(cpus * CPU_SHARES_PER_CPU);
    int64_t quota = round_positive(cpus * (double)CPU_PERIOD_US);
    r->has_cpu = true;
    r->cpu.has_shares = r->cpu.has_quota = r->cpu.has_period = true;
    r->cpu.shares = shares < CPU_SHARES_MIN ? CPU_SHARES_MIN : shares;
    r->cpu.quota = quota < CPU_QUOTA_MIN_US ? CPU_QUOTA_MIN_US : quota;
    r->cpu.period = CPU_PERIOD_US;
}

void resources_apply(struct spec *s, const struct resource_flags *f)
{
    struct spec_resources *r = s->linux_->resources;
    if (f->has_cpus)
        apply_cpus(r, f->cpus);
    if (f->has_memory) {
        r->has_memory = true;
        r->memory.has_limit = true;
        r->memory.limit = f->memory;
    }
    if (f->has_pids) {
        r->has_pids_limit = true;
        r->pids_limit = f->pids;
    }
}
