/* Registry authentication: the WWW-Authenticate challenge (Basic or
 * Bearer realm/service/scope), Bearer tokens fetched from the realm
 * (anonymously or with the user's credentials) and kept per scope until
 * they expire or the registry refuses them. */
#ifndef IMAGETOOL_REGISTRY_AUTH_H
#define IMAGETOOL_REGISTRY_AUTH_H

#include <curl/curl.h>
#include <stdbool.h>
#include <time.h>

#include "common/error.h"
#include "imagetool/registry/creds.h"

enum auth_scheme { AUTH_NONE, AUTH_BASIC, AUTH_BEARER };

struct auth_challenge {
    enum auth_scheme scheme;
    char *realm, *service, *scope, *error;
};

/* Parse one WWW-Authenticate value. Unknown schemes give AUTH_NONE. */
int auth_challenge_parse(const char *header, struct auth_challenge *out, struct error **err);
void auth_challenge_clear(struct auth_challenge *c);

#define AUTH_MAX_TOKENS 8

struct auth_token {
    char *scope;
    char *token;
    time_t expires;
};

struct auth_state {
    struct auth_challenge challenge; /* from the /v2/ ping */
    struct auth_token tokens[AUTH_MAX_TOKENS];
    size_t n_tokens;
    bool tls_verify;
};

void auth_state_clear(struct auth_state *a);
/* A token for scope that has not expired, or NULL. */
const char *auth_token_cached(const struct auth_state *a, const char *scope);
void auth_token_forget(struct auth_state *a, const char *scope);
/* Ask the challenge's realm for a token for scope and cache it. */
int auth_token_fetch(struct auth_state *a, CURLSH *share, const struct creds *c, const char *scope,
                     struct error **err);

#endif
