/* Image sources: every transport imports an image into the store and names
 * the single-platform manifest it stored. Unpack then works from the store
 * alone. A new transport (appc, ...) is one more entry in source_table(). */
#ifndef IMAGETOOL_SOURCE_H
#define IMAGETOOL_SOURCE_H

#include <stdbool.h>

#include "common/digest.h"
#include "common/error.h"
#include "imagetool/image/image.h"
#include "imagetool/store/store.h"

/* Told, on the importing thread, what an import learns as it goes: the
 * image's manifest (its bytes), then each blob once it is in the store.
 * unpack converts layers with it while later ones still download. */
struct import_watch {
    void *ctx;
    void (*manifest)(void *ctx, const char *body, size_t len);
    void (*blob)(void *ctx, const char *digest);
};

struct import_opts {
    struct platform platform;
    bool quiet;
    const char *creds;      /* USER:PASS for registries, or NULL */
    bool tls_verify;        /* default true */
    const char *authfile;   /* --authfile, or NULL */
    const char *name;       /* added: tag with this name instead of the source's own (pull --name) */
    bool config_only;       /* inspect: store the manifest and config, not the layers */
    /* added, Appc (specs/appc.md): */
    const char *appc_simple_prefix; /* --appc-simple-prefix URI: simple discovery under it */
    const char *trust_keys;         /* --trust-keys DIR: verify discovered ACIs' signatures */
    int appc_port;                  /* --appc-port: meta discovery's port (0: the scheme's) */
    const struct import_watch *watch; /* or NULL; registry pulls tell it (docker://) */
};

struct imported {
    char manifest_digest[DIGEST_STR_LEN + 1];
    char *name; /* the name it was tagged with in the store, or NULL */
};

struct source {
    const char *transport; /* "docker", "docker-archive", "oci", "oci-archive" */
    /* rest: what follows "transport:" in the reference */
    int (*import)(struct store *s, const char *rest, const struct import_opts *o, struct imported *out,
                  struct error **err);
    bool remote; /* fetched over the network: its layers convert while later ones still come */
};

/* Split "transport:rest" and find the transport. Unknown transport: EXIT_INVALID. */
int source_lookup(const char *ref, const struct source **src, const char **rest, struct error **err);
/* lookup + import. */
int source_import(struct store *s, const char *ref, const struct import_opts *o, struct imported *out,
                  struct error **err);
void imported_clear(struct imported *i);

/* Transports (each in imagetool/sources/<name>.c). */
extern const struct source source_docker_archive;
extern const struct source source_oci_layout;
extern const struct source source_oci_archive;
extern const struct source source_docker_registry;
/* Added: containers/image "dir:" (schema2; schema1 is refused as unsupported). */
extern const struct source source_dir;
/* Added: Appc images, from a file (aci:) and by discovery (appc:); specs/appc.md. */
extern const struct source source_aci;
extern const struct source source_appc;

#endif
