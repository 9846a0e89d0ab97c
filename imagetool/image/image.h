/* OCI / Docker schema2 manifests, indexes and image configs, as read from the store. */
#ifndef IMAGETOOL_IMAGE_H
#define IMAGETOOL_IMAGE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "common/error.h"
#include "common/spec.h"
#include "imagetool/store/store.h"

#define MT_OCI_MANIFEST "application/vnd.oci.image.manifest.v1+json"
#define MT_OCI_INDEX "application/vnd.oci.image.index.v1+json"
#define MT_OCI_CONFIG "application/vnd.oci.image.config.v1+json"
#define MT_OCI_LAYER "application/vnd.oci.image.layer.v1.tar"
#define MT_OCI_LAYER_GZIP "application/vnd.oci.image.layer.v1.tar+gzip"
#define MT_OCI_LAYER_ZSTD "application/vnd.oci.image.layer.v1.tar+zstd"
#define MT_DOCKER_MANIFEST "application/vnd.docker.distribution.manifest.v2+json"
#define MT_DOCKER_LIST "application/vnd.docker.distribution.manifest.list.v2+json"
#define MT_DOCKER_CONFIG "application/vnd.docker.container.image.v1+json"
#define MT_DOCKER_LAYER_GZIP "application/vnd.docker.image.rootfs.diff.tar.gzip"
#define MT_DOCKER_SCHEMA1 "application/vnd.docker.distribution.manifest.v1+json"
#define MT_DOCKER_SCHEMA1_SIGNED "application/vnd.docker.distribution.manifest.v1+prettyjws"

struct descriptor {
    char *media_type;
    char *digest;
    uint64_t size;
    /* platform, for index entries */
    char *os, *architecture, *variant;
};

struct manifest {
    char *media_type;
    struct descriptor config;
    struct descriptor *layers;
    size_t n_layers;
};

struct platform {
    const char *os, *architecture, *variant; /* variant may be NULL */
};
/* The host's platform (linux/amd64, linux/arm64/v8, ...). */
struct platform platform_host(void);
/* Refuse a non-linux platform or image; warn when the image's architecture
 * is not the host's. */
struct image_config;
int platform_check_image(const struct platform *want, const struct image_config *ic, struct error **err);
/* "os/arch[/variant]" */
int platform_parse(const char *text, struct platform *out, char **storage, struct error **err);

struct image_config {
    char *os, *architecture, *variant;
    char *user;
    char **env;
    char **entrypoint;
    char **cmd;
    char *working_dir;
    struct spec_kv *labels;
    size_t n_labels;
    char *stop_signal;
    char **exposed_ports; /* "80/tcp" */
    char **volumes;
    char **diff_ids;
    char *appc_manifest; /* added: an Appc image's manifest (isolators are read from it), else NULL */
};

/* Parse a manifest (OCI or Docker schema2). Schema1 is EXIT_INVALID "unsupported". */
int manifest_parse(const char *json, size_t len, struct manifest *out, struct error **err);
void manifest_clear(struct manifest *m);
/* From an index / manifest list, pick the entry for platform p. */
int index_select(const char *json, size_t len, const struct platform *p, struct descriptor *out, struct error **err);
void descriptor_clear(struct descriptor *d);
/* Added: an OCI index or Docker manifest list media type. */
bool media_type_is_index(const char *media_type);
/* Added: the JSON is an index / manifest list (by mediaType, else by shape). */
bool image_json_is_index(const char *json, size_t len);
int image_config_parse(const char *json, size_t len, struct image_config *out, struct error **err);
void image_config_clear(struct image_config *c);
/* The OCI ChainIDs of diff_ids (image/chain.c), one per layer; caller frees. */
char **image_chain_ids(char *const *diff_ids);

/* Resolve a store image to its manifest (following an index with p) and config. */
int image_load(struct store *s, const char *ref, const struct platform *p, struct manifest *m,
               struct image_config *c, struct error **err);

#endif
