/* Appc images in the store: each ACI is an OCI manifest whose config blob
 * is the ACI's own manifest (MT_APPC_MANIFEST) and whose layers are the
 * converted rootfs of each dependency, depth first, then its own. Names:
 * "appc:<image ID>" and "appc:NAME[,label=value...]" (labels sorted). */
#ifndef IMAGETOOL_APPC_STORE_H
#define IMAGETOOL_APPC_STORE_H

#include "imagetool/appc/aci.h"
#include "imagetool/image/image.h"

struct appc_image {
    char digest[DIGEST_STR_LEN + 1]; /* the OCI manifest */
    uint64_t size;
    struct descriptor *layers;       /* digest and size only */
    size_t n_layers;
};
void appc_image_clear(struct appc_image *img);
void appc_image_add_layer(struct appc_image *img, const char *digest, uint64_t size);

char *appc_store_name(const char *name, const struct appc_labels *labels);
char *appc_store_id_name(const char *image_id);

/* An image by ID (id != NULL) or by name and labels (a wanted label matches
 * an equal one; os and arch also match an image without them).
 * 1 found, 0 not, -1 error. */
int appc_store_find_id(struct store *s, const char *image_id, struct appc_image *out, struct error **err);
int appc_store_find(struct store *s, const char *name, const struct appc_labels *want, struct appc_image *out,
                    struct error **err);
/* Whether labels satisfy want (the rule above). */
bool appc_labels_match(const struct appc_labels *have, const struct appc_labels *want);

/* Store the ACI manifest and an OCI manifest over img->layers; name it. */
int appc_store_put(struct store *s, const struct aci_info *info, struct appc_image *img, struct error **err);

#endif
