/* Registry credentials: --creds USER:PASS; else --authfile alone when
 * given; else the first auth file with an entry for the registry:
 * $REGISTRY_AUTH_FILE,
 * ${XDG_RUNTIME_DIR}/containers/auth.json, ~/.config/containers/auth.json,
 * ~/.docker/config.json (each an "auths" object keyed by registry, with a
 * base64 "auth" of user:password). */
#ifndef IMAGETOOL_REGISTRY_CREDS_H
#define IMAGETOOL_REGISTRY_CREDS_H

#include <stddef.h>

#include "common/error.h"

struct creds {
    char *user; /* NULL: anonymous */
    char *pass;
};

/* domain: the reference's registry ("docker.io", "127.0.0.1:5000");
 * path: its repository path (auth files may key by namespace). A missing
 * file is fine; a malformed one, or a malformed --creds, is an error. */
int creds_lookup(const char *creds_opt, const char *authfile, const char *domain, const char *path,
                 struct creds *out, struct error **err);
void creds_clear(struct creds *c);

/* Standard base64 of len bytes (NUL-terminated). */
char *base64_encode(const void *data, size_t len);

#endif
