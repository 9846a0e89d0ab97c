/* TLS settings for one registry host: verification on unless the user
 * turned it off, the system CAs plus a CA from certs.d, and a client
 * certificate from certs.d (Docker's and containers' layout:
 * DIR/HOST[:PORT]/ca.crt, client.cert, client.key). */
#ifndef IMAGETOOL_REGISTRY_TLS_H
#define IMAGETOOL_REGISTRY_TLS_H

#include <curl/curl.h>
#include <stdbool.h>

struct tls_config {
    bool verify;
    char *ca_file;     /* extra CA (added to the system ones) or NULL */
    char *client_cert; /* PEM or NULL */
    char *client_key;
};

#define TLS_CERTS_DIRS_DEFAULT "/etc/containers/certs.d:/etc/docker/certs.d"

/* Look up certs.d for host[:port]. The directories searched are
 * $IMAGETOOL_CERTS_DIRS (colon-separated) or TLS_CERTS_DIRS_DEFAULT. */
void tls_config_for_host(const char *hostport, bool verify, struct tls_config *out);
void tls_config_clear(struct tls_config *t);
void tls_apply(CURL *easy, const struct tls_config *t);

#endif
