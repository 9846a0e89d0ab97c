/* Reading an ACI file (a tar, plain or gzip/bzip2/xz/zstd compressed, of
 * "manifest" and "rootfs/"): its image ID, its manifest, and its rootfs as
 * an uncompressed OCI layer in the store. See specs/appc.md. */
#ifndef IMAGETOOL_APPC_ACI_H
#define IMAGETOOL_APPC_ACI_H

#include <stdint.h>

#include "common/digest.h"
#include "imagetool/appc/manifest.h"
#include "imagetool/store/store.h"

#define ACI_MANIFEST_MAX (1u << 20)

struct aci_info {
    char image_id[APPC_IMAGE_ID_LEN + 1]; /* sha512 of the uncompressed tar */
    char *manifest_json;
    size_t manifest_len;
    struct aci_manifest manifest;
    uint64_t tar_size;                    /* uncompressed */
};

/* Pass one: hash the tar, read and validate the manifest, check every
 * entry's name (no "..", no hardlink out of rootfs/). EXIT_INVALID names
 * the file and what is wrong. */
int aci_scan(const char *file, struct aci_info *out, struct error **err);
void aci_info_clear(struct aci_info *i);

/* Pass two: rootfs/ as a layer (names without "rootfs/"), filtered by
 * whitelist (NULL: all) with whiteouts for the lower paths it drops.
 * layer_digest: sha256 of the layer (its diff_id too: it is uncompressed). */
int aci_convert(struct store *s, const char *file, char *const *whitelist, char *const *lower_paths,
                char layer_digest[DIGEST_STR_LEN + 1], uint64_t *layer_size, struct error **err);

/* Every path (without a leading "/") a stored layer holds, appended to paths. */
int aci_layer_paths(struct store *s, const char *layer_digest, char ***paths, struct error **err);

#endif
