/* Image metadata carried into config.json as annotations (image-spec
 * conversion): derived ones first, then the labels, which win. */
#include <string.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/xalloc.h"
#include "imagetool/config/config.h"

#define ANN_PREFIX "org.opencontainers.image."

static char *join_commas(char *const *v)
{
    size_t len = 1;
    for (char *const *p = v; *p; p++)
        len += strlen(*p) + 1;
    char *out = xmalloc(len), *w = out;
    for (char *const *p = v; *p; p++) {
        if (p != v)
            *w++ = ',';
        w = stpcpy(w, *p);
    }
    *w = '\0';
    return out;
}

static void set_if(struct spec *s, const char *key, const char *value)
{
    if (value && *value)
        spec_set_annotation(s, key, value);
}

static void set_list(struct spec *s, const char *key, char *const *v)
{
    if (!v || !*v)
        return;
    CLEANUP_FREE char *joined = join_commas(v);
    spec_set_annotation(s, key, joined);
}

void config_annotations(const struct image_config *ic, struct spec *s)
{
    set_if(s, ANN_PREFIX "os", ic->os);
    set_if(s, ANN_PREFIX "architecture", ic->architecture);
    set_if(s, ANN_PREFIX "variant", ic->variant);
    set_if(s, ANN_PREFIX "stopSignal", ic->stop_signal);
    set_list(s, ANN_PREFIX "exposedPorts", ic->exposed_ports);
    set_list(s, ANN_PREFIX "volumes", ic->volumes);
    for (size_t i = 0; i < ic->n_labels; i++) {
        if (label_is_control(ic->labels[i].key)) {
            log_warn("image label \"%s\" not copied: other runtimes act on it", ic->labels[i].key);
            continue;
        }
        spec_set_annotation(s, ic->labels[i].key, ic->labels[i].value);
    }
}
