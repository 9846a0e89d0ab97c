#include "imagetool/appc/http_auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "common/cleanup.h"
#include "common/log.h"
#include "common/strv.h"
#include "common/xalloc.h"

static bool challenged_before(const struct appc_http *h, const char *host)
{
    for (char **p = h->auth_hosts; p && *p; p++)
        if (strcmp(*p, host) == 0)
            return true;
    return false;
}

/* "https://host/a/b?q" -> "a/b" (auth files may key by host/path). */
static char *url_path(const char *url)
{
    const char *p = strstr(url, "://");
    p = p ? p + 3 : url;
    p += strcspn(p, "/");
    if (*p == '/')
        p++;
    return strndup(p, strcspn(p, "?#"));
}

static bool plain_http(const char *url)
{
    return strncmp(url, "http://", 7) == 0;
}

int appc_http_auth_for(struct appc_http *h, const char *url, bool challenged, struct creds *out,
                       struct error **err)
{
    memset(out, 0, sizeof(*out));
    CLEANUP_FREE char *host = url_hostport(url);
    if (host == NULL || (!challenged && !challenged_before(h, host)))
        return 0;
    if (plain_http(url) && h->tls_verify)
        return 0; /* never in the clear unless the user allowed insecure transport */
    CLEANUP_FREE char *path = url_path(url);
    bool named = h->creds_host && strcmp(host, h->creds_host) == 0;
    return creds_lookup(named ? h->creds : NULL, h->authfile, host, path, out, err);
}

int appc_http_auth_retry(struct appc_http *h, const char *url, const struct http_response *resp, bool sent,
                         struct error **err)
{
    const char *ch = resp->www_authenticate;
    if (sent || ch == NULL || strncasecmp(ch, "Basic", 5) != 0 || (ch[5] != '\0' && ch[5] != ' '))
        return 0;
    struct creds c;
    if (appc_http_auth_for(h, url, true, &c, err) < 0)
        return -1;
    bool have = c.user != NULL;
    creds_clear(&c);
    if (!have && plain_http(url) && h->tls_verify) {
        /* would there be credentials, were it https? */
        CLEANUP_FREE char *host = url_hostport(url);
        CLEANUP_FREE char *path = url_path(url);
        bool named = h->creds_host && host && strcmp(host, h->creds_host) == 0;
        struct creds would;
        if (host && creds_lookup(named ? h->creds : NULL, h->authfile, host, path, &would, NULL) == 0)
            h->plain_refused = would.user != NULL;
        creds_clear(&would);
        return 0;
    }
    if (!have)
        return 0;
    CLEANUP_FREE char *host = url_hostport(url);
    strv_append(&h->auth_hosts, host);
    log_debug("%s asks for credentials: sending them", host);
    return 1;
}

void appc_http_auth_clear(struct appc_http *h)
{
    strv_free(h->auth_hosts);
    h->auth_hosts = NULL;
    free(h->refused_user);
    h->refused_user = NULL;
    free(h->creds_host);
    h->creds_host = NULL;
}
