/* Resource flags mapped the way Mesos' cgroups isolators map cpus and mem:
 * --cpus N -> cpu shares 1024*N and a CFS quota of N periods,
 * --memory SIZE -> memory limit, --pids-limit N -> pids limit. */
#ifndef IMAGETOOL_CONFIG_RESOURCES_H
#define IMAGETOOL_CONFIG_RESOURCES_H

#include <stdbool.h>
#include <stdint.h>

#include "common/error.h"
#include "common/spec.h"

#define CPU_PERIOD_US 100000ULL
#define CPU_SHARES_PER_CPU 1024.0
#define CPU_SHARES_MIN 2ULL
#define CPU_QUOTA_MIN_US 1000LL

struct resource_flags {
    bool has_cpus, has_memory, has_pids;
    double cpus;
    int64_t memory; /* bytes */
    int64_t pids;   /* -1 = unlimited */
};

/* "1", "0.5" (> 0). */
int parse_cpus(const char *text, double *out, struct error **err);
/* "1048576", "512k", "200m", "1g", "1.5g", "200MiB", "200mb" (binary units). */
int parse_memory_size(const char *text, int64_t *out, struct error **err);
/* "> 0" or -1 for unlimited. */
int parse_pids_limit(const char *text, int64_t *out, struct error **err);

/* Fill s->linux_->resources (which must exist) from the flags. */
void resources_apply(struct spec *s, const struct resource_flags *f);

#endif
