/* The Appc image manifest (an ACI's "manifest" file): parsed and validated
 * as `actool validate` does, every error naming the bad field (EXIT_INVALID).
 * See specs/appc.md. */
#ifndef IMAGETOOL_APPC_MANIFEST_H
#define IMAGETOOL_APPC_MANIFEST_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <yajl/yajl_tree.h>

#include "common/error.h"

#define MT_APPC_MANIFEST "application/vnd.appc.image.manifest.v0+json"
#define APPC_IMAGE_ID_LEN (7 + 128) /* "sha512-" + hex */

struct appc_label {
    char *name, *value;
};

struct appc_labels {
    struct appc_label *v;
    size_t n;
};

struct appc_dependency {
    char *name;
    char *image_id; /* "sha512-<hex>" or NULL */
    struct appc_labels labels;
    uint64_t size;  /* 0: not given */
};

struct aci_manifest {
    yajl_val root;  /* the parsed document (app, isolators, annotations are read from it) */
    char *name;
    struct appc_labels labels;
    yajl_val app;   /* NULL when the image has none */
    struct appc_dependency *deps;
    size_t n_deps;
    char **path_whitelist; /* NULL or empty: everything stays */
};

int aci_manifest_parse(const char *json, size_t len, struct aci_manifest *out, struct error **err);
void aci_manifest_clear(struct aci_manifest *m);

/* ^[a-z0-9]+([-._~/][a-z0-9]+)*$ */
bool appc_identifier_ok(const char *s);
/* ^[a-z0-9]+([-][a-z0-9]+)*$ */
bool appc_acname_ok(const char *s);
/* "sha512-" and 128 lowercase hex digits; a shorter prefix when allow_prefix. */
bool appc_image_id_ok(const char *s, bool allow_prefix);

/* OCI architecture names in Appc's words ("arm64" -> "aarch64"). */
const char *appc_arch_from_oci(const char *oci);

const char *appc_label_get(const struct appc_labels *l, const char *name);
void appc_label_set(struct appc_labels *l, const char *name, const char *value);
void appc_labels_clear(struct appc_labels *l);
/* Labels sorted by name (the store's canonical order). */
void appc_labels_sort(struct appc_labels *l);
/* Parse a labels array (path names it in errors). */
int appc_labels_parse(yajl_val arr, const char *path, struct appc_labels *out, struct error **err);

#endif
