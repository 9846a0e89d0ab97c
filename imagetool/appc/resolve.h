/* Importing an ACI with its dependencies: each dependency is found (by
 * image ID or name and labels) in the store, as a file beside the ACI that
 * needs it, or by discovery; its imageID is checked; loops and depth beyond
 * APPC_MAX_DEPTH are errors. See specs/appc.md. */
#ifndef IMAGETOOL_APPC_RESOLVE_H
#define IMAGETOOL_APPC_RESOLVE_H

#include "imagetool/appc/appc_store.h"

#define APPC_MAX_DEPTH 16

/* Discovery as the resolver sees it: an ACI file for name and labels
 * (a temp file the caller removes), or EXIT_NOTFOUND. */
struct appc_fetcher {
    void *ctx;
    int (*fetch)(void *ctx, const char *name, const struct appc_labels *labels, char **file, struct error **err);
};

struct appc_resolver {
    struct store *s;
    const struct appc_fetcher *fetcher; /* NULL: no discovery */
    char **stack;                       /* names being imported, outermost first */
};

/* The ACI file and all it depends on, into the store. */
int appc_import_file(struct appc_resolver *r, const char *file, struct appc_image *out, struct error **err);
/* name + labels (+ image ID) from the store, beside dir (may be NULL) or by discovery. */
int appc_resolve(struct appc_resolver *r, const char *name, const struct appc_labels *labels, const char *image_id,
                 const char *dir, struct appc_image *out, struct error **err);
void appc_resolver_clear(struct appc_resolver *r);

#endif
